import type { RouterOutputs } from '@retain/api';
import { describe, expect, it } from 'vitest';
import { repeatHeadline, repeatInputFromSearch } from './repeatInputs.ts';

type Repeat = RouterOutputs['repeat']['summary'];

const summary = (withinDays: number | null, tooRecent: number): Repeat => ({
  withinDays,
  period: 'month',
  by: 'period',
  dataEnd: '2026-09-30',
  overall: { customers: 42483, repeaters: 21083, rate: 21083 / 42483, tooRecent },
  cohorts: [],
  daysToSecondOrder: { count: 0, median: null, bins: [] },
  gapDays: { count: 0, median: null, bins: [] },
  ordersPerCustomer: { mean: null, counts: [] },
});

describe('repeatInputFromSearch', () => {
  it('judges every cohort over 90 days unless the URL says otherwise', () => {
    expect(repeatInputFromSearch(new URLSearchParams(''))).toEqual({
      period: 'month',
      withinDays: 90,
      filters: {},
    });
    expect(repeatInputFromSearch(new URLSearchParams('within=30')).withinDays).toBe(30);
    expect(repeatInputFromSearch(new URLSearchParams('within=any'))).toEqual({
      period: 'month',
      filters: {},
    });
    expect(repeatInputFromSearch(new URLSearchParams('within=soon')).withinDays).toBe(90);
  });
});

describe('repeatHeadline', () => {
  it('names the all-cohort rate and says who it is over', () => {
    const h = repeatHeadline(summary(90, 5528));
    expect(h.label).toBe('All-cohort 90-day repeat rate');
    expect(h.note).toBe('of 42,483 customers acquired by Jul 2, 2026; 5,528 more too recent to tell');
    expect(h.definition).toContain(
      'whose first order was on or before Jul 2, 2026 (90 days before the data ends, Sep 30, 2026)',
    );
    expect(h.definition).toContain(
      'The Overview’s Recent 90-day repeat rate applies the same rule to one quarter’s',
    );
  });

  it('warns that any time gives recent cohorts less time', () => {
    const h = repeatHeadline(summary(null, 0));
    expect(h.label).toBe('All-cohort repeat rate, any time');
    expect(h.note).toBe('of 42,483 customers acquired by Sep 30, 2026, however recent');
    expect(h.definition).toContain('Recent customers have had little time');
  });
});
