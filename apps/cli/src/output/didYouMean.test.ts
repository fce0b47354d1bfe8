import { describe, expect, it } from 'vitest';
import { closestValues, unknownValuesMessage } from './didYouMean.ts';

const SEGMENTS = ['Champions', 'Loyal', 'At risk', "Can't lose them", 'Lost', 'Hibernating'];

describe('closestValues', () => {
  it('finds the value that differs only in case, accents or spaces first', () => {
    expect(closestValues('At Risk', SEGMENTS)).toEqual(['At risk']);
    expect(closestValues('  loyal ', SEGMENTS)).toEqual(['Loyal']);
    expect(closestValues('Sud', ['North', 'Süd'])).toEqual(['Süd']);
  });

  it('then values a few edits away, nearest first', () => {
    expect(closestValues('Chmapions', SEGMENTS)).toEqual(['Champions']);
    expect(closestValues('Lots', SEGMENTS)).toEqual(['Lost']);
    expect(closestValues('Loyl', SEGMENTS)).toEqual(['Loyal', 'Lost']);
    expect(closestValues('wbe', ['web', 'app', 'store'])).toEqual(['web']);
  });

  it('then values that contain it, and nothing when nothing is close', () => {
    expect(closestValues('lose them', SEGMENTS)).toEqual(["Can't lose them"]);
    expect(closestValues('Electronics', SEGMENTS)).toEqual([]);
  });
});

describe('unknownValuesMessage', () => {
  it('names the flag and each unknown value, suggests, and lists what there is', () => {
    expect(unknownValuesMessage('--segment', ['At Risk'], SEGMENTS)).toBe(
      '--segment: no "At Risk" in the data; did you mean "At risk"?\n' +
        '  Known values: "Champions", "Loyal", "At risk", "Can\'t lose them", "Lost", "Hibernating".',
    );
    expect(unknownValuesMessage('--region', ['Mars'], [])).toBe(
      '--region: no "Mars" in the data.\n  Nothing to choose from yet for --region.',
    );
  });
});
