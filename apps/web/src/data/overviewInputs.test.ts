import { describe, expect, it } from 'vitest';
import { asOfState, overviewCohortsInput, overviewKpisInput } from './overviewInputs.ts';

describe('overview inputs', () => {
  it('end the cohort matrix at the as-of day', () => {
    const search = new URLSearchParams('asOf=2025-06-30&region=North');
    expect(overviewKpisInput(search)).toEqual({ asOf: '2025-06-30', filters: { region: ['North'] } });
    expect(overviewCohortsInput(search)).toEqual({
      period: 'month',
      maxOffset: 12,
      filters: { region: ['North'], to: '2025-06-30' },
    });
    expect(overviewCohortsInput(new URLSearchParams(''))).toEqual({
      period: 'month',
      maxOffset: 12,
      filters: {},
    });
  });
});

describe('asOfState', () => {
  const range = { dataStart: '2023-10-01', dataEnd: '2026-09-30' };

  it('is the latest without a day, and unknown until the range is', () => {
    expect(asOfState(undefined, undefined)).toEqual({ kind: 'latest' });
    expect(asOfState('2025-06-30', undefined)).toBeNull();
  });

  it('accepts the days the data covers, the last one included', () => {
    expect(asOfState('2025-06-30', range)).toEqual({ kind: 'past', asOf: '2025-06-30' });
    expect(asOfState('2026-09-30', range)).toEqual({ kind: 'past', asOf: '2026-09-30' });
    expect(asOfState('2023-10-01', range)).toEqual({ kind: 'past', asOf: '2023-10-01' });
  });

  it('refuses a day after the data and one before it, saying which end', () => {
    expect(asOfState('2026-10-01', range)).toEqual({
      kind: 'future',
      asOf: '2026-10-01',
      dataEnd: '2026-09-30',
    });
    expect(asOfState('2023-09-30', range)).toEqual({
      kind: 'beforeData',
      asOf: '2023-09-30',
      dataStart: '2023-10-01',
    });
  });

  it('has nothing to judge against without orders', () => {
    expect(asOfState('2025-06-30', { dataStart: null, dataEnd: null })).toEqual({ kind: 'latest' });
  });
});
