import { describe, expect, it } from 'vitest';
import { RFM_SEGMENTS, SLIPPING_PROBABILITY, segmentStanding } from './segments.ts';

describe('segmentStanding', () => {
  it('says a champion is slipping when they are more likely to leave than stay', () => {
    expect(segmentStanding('Champions', 0.99)).toBe('Champion, slipping');
    expect(segmentStanding('Champions', SLIPPING_PROBABILITY)).toBe('Champion, slipping');
    expect(segmentStanding('Potential loyalists', 0.7)).toBe('Potential loyalist, slipping');
    expect(segmentStanding('Champions', 0.49)).toBe('Champions');
  });

  it('keeps segments that already name a risk, and unknown names, as they are', () => {
    expect(segmentStanding("Can't lose them", 0.99)).toBe("Can't lose them");
    expect(segmentStanding('At risk', 0.9)).toBe('At risk');
    expect(segmentStanding('constructor', 0.9)).toBe('constructor');
    expect(segmentStanding('Loyal', Number.NaN)).toBe('Loyal');
  });

  it('never calls a customer above the line by a good segment alone', () => {
    const good = ['Champions', 'Loyal', 'Potential loyalists', 'New', 'Promising'];
    for (const segment of RFM_SEGMENTS)
      expect(segmentStanding(segment, 0.95)).toEqual(
        good.includes(segment) ? expect.stringMatching(/, slipping$/) : segment,
      );
  });
});
