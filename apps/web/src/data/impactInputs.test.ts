import { describe, expect, it } from 'vitest';
import { impactInputFromSearch, repeatComparison } from './impactInputs.ts';

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
