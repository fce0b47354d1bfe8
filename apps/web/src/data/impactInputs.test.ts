import type { RouterOutputs } from '@retain/api';
import { describe, expect, it } from 'vitest';
import {
  impactInputFromSearch,
  repeatComparison,
  resolutionHeadline,
  resolutionRows,
} from './impactInputs.ts';

type ResolutionSpeed = RouterOutputs['impact']['summary']['resolutionSpeed'];

describe('impact inputs', () => {
  it('reads the view and ignores the complaint filter (complaints are the split)', () => {
    expect(
      impactInputFromSearch(new URLSearchParams('period=quarter&complained=true&region=North&within=90')),
    ).toEqual({
      period: 'quarter',
      mode: 'on',
      maxOffset: 8,
      withinDays: 90,
      filters: { region: ['North'] },
    });
  });

  it('compares complainers with the others', () => {
    const { rows, gap } = repeatComparison({
      complainers: { customers: 10, repeaters: 9, rate: 0.9 },
      others: { customers: 40, repeaters: 24, rate: 0.6 },
    });
    expect(rows.map((r) => r.group)).toEqual(['Complained', 'Never complained']);
    expect(gap).toBeCloseTo(0.3);
  });
});

describe('resolution speed', () => {
  const speed = (matched: ResolutionSpeed['matched']): ResolutionSpeed => ({
    windowDays: 90,
    fastWithinDays: 2,
    openedBy: '2026-07-02',
    fast: { customers: 6000, returned: 4200, rate: 0.7 },
    slow: { customers: 3000, returned: 1800, rate: 0.6 },
    matched,
    strata: [],
  });

  it('says how many points more often fast-resolved customers came back, with the interval', () => {
    const text = resolutionHeadline(
      speed({
        fastRate: 0.68,
        slowRate: 0.6,
        difference: 0.08,
        low: 0.051,
        high: 0.109,
        customers: 8900,
        unmatched: 100,
      }),
    );
    expect(text).toMatch(
      /^At equal activity, customers whose first complaint was resolved within 2 days came back within 90 days 8\.0 points more often than those resolved later or never \(68(\.0)?% against 60(\.0)?%; 95 % interval 5\.1 points to 10\.9 points; 8,900 customers compared\)\.$/,
    );
  });

  it('calls an interval across zero no clear difference, and says when there is nothing to compare', () => {
    expect(
      resolutionHeadline(
        speed({
          fastRate: 0.61,
          slowRate: 0.6,
          difference: 0.01,
          low: -0.02,
          high: 0.04,
          customers: 500,
          unmatched: 0,
        }),
      ),
    ).toContain(
      'about as often as those resolved later or never: 1.0 points (95 % interval −2.0 points to 4.0 points; 500 customers compared), no clear difference.',
    );
    expect(resolutionHeadline(speed(null))).toContain('Too few first complaints to compare');
  });

  it('puts raw and matched rates side by side', () => {
    expect(resolutionRows(speed(null))).toEqual([
      { group: 'Resolved within 2 days', customers: 6000, raw: 0.7, matched: null },
      { group: 'Resolved later or never', customers: 3000, raw: 0.6, matched: null },
    ]);
  });
});
