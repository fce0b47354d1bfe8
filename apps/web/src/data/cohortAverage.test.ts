import { describe, expect, it } from 'vitest';
import { averageCountPerCohort, weightedAverageRow } from './cohortAverage.ts';
import type { CohortRow } from './cohortSeries.ts';

const cohort = (size: number, counts: number[], complete: boolean[]): CohortRow => ({
  cohort: `c${size}`,
  size,
  small: false,
  values: counts.map((c) => c / size),
  complete,
  counts,
  bases: counts.map(() => size),
  low: null,
  high: null,
});

describe('weightedAverageRow', () => {
  it('weights each cohort by its size: all active customers over all customers', () => {
    const row = weightedAverageRow([
      cohort(100, [100, 40, 30], [true, true, true]),
      cohort(300, [300, 60, 30], [true, true, false]),
    ]);
    expect(row.size).toBe(400);
    // Offset 1: (40 + 60) / (100 + 300), not the plain mean of 40% and 20% (30%).
    expect(row.cells[1]).toEqual({
      offset: 1,
      value: 0.25,
      count: 100,
      base: 400,
      cohorts: 2,
      complete: true,
    });
    // Offset 2: the second cohort's period is not over, so its value so far is left out.
    expect(row.cells[2]).toMatchObject({ value: 0.3, base: 100, cohorts: 1, complete: true });
  });

  it('averages values so far only where no cohort’s period is over, and says so', () => {
    const row = weightedAverageRow([
      cohort(100, [100, 40], [true, true]),
      cohort(200, [200, 50, 20], [true, true, false]),
    ]);
    expect(row.cells[2]).toMatchObject({ value: 0.1, cohorts: 1, complete: false });
  });

  it('weights ratios by the customers they are over (revenue: each cohort’s ratio by its size)', () => {
    const revenue = (size: number, ratio: number): CohortRow => ({
      ...cohort(size, [size, size], [true, true]),
      values: [1, ratio],
      counts: [1000, 1000 * ratio],
    });
    const row = weightedAverageRow([revenue(100, 0.5), revenue(300, 0.1)]);
    expect(row.cells[1]?.value).toBeCloseTo((100 * 0.5 + 300 * 0.1) / 400, 12);
    expect(
      averageCountPerCohort(
        row.cells[1] ?? { offset: 1, value: 0, count: 0, base: 0, cohorts: 0, complete: true },
      ),
    ).toBe(300);
  });

  it('has nothing to average without cohorts or values', () => {
    expect(weightedAverageRow([])).toEqual({ size: 0, cells: [] });
    const empty = { ...cohort(10, [10, 0], [true, true]), values: [1, null] };
    expect(weightedAverageRow([empty]).cells[1]).toMatchObject({ value: null, cohorts: 0 });
    expect(
      averageCountPerCohort({ offset: 1, value: null, count: 0, base: 0, cohorts: 0, complete: true }),
    ).toBeNull();
  });
});
