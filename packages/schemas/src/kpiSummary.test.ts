import { describe, expect, it } from 'vitest';
import { monthOneClause, type SummaryFormats } from './kpiSummary.ts';

const f: SummaryFormats = {
  percent: (v) => `${(v * 100).toFixed(1)}%`,
  money: (v) => `$${v}`,
  points: (v) => v.toFixed(1),
};

describe('the month-1 clause of the summary sentence', () => {
  it('says above or below the six before, by how many points, and their average', () => {
    const six = ['2024-05', '2024-06', '2024-07', '2024-08', '2024-09', '2024-10'];
    expect(
      monthOneClause(
        { cohort: '2024-11', value: 0.25, previousMean: 0.296, previousCohorts: six, delta: -0.046 },
        f,
      ),
    ).toBe(
      'month-1 retention of the latest complete cohort (2024-11) was 25.0%, 4.6 points below the average of the 6 before it (29.6%)',
    );
    expect(
      monthOneClause(
        { cohort: '2024-11', value: 0.31, previousMean: 0.29, previousCohorts: six, delta: 0.02 },
        f,
      ),
    ).toContain('2.0 points above the average of the 6 before it');
  });

  it('in line under 0.05 points; no comparison without an earlier cohort', () => {
    expect(
      monthOneClause(
        { cohort: '2024-02', value: 0.3, previousMean: 0.3003, previousCohorts: ['2024-01'], delta: -0.0003 },
        f,
      ),
    ).toBe(
      'month-1 retention of the latest complete cohort (2024-02) was 30.0%, in line with the average of the cohort before it',
    );
    expect(
      monthOneClause(
        { cohort: '2024-01', value: 0.5, previousMean: null, previousCohorts: [], delta: null },
        f,
      ),
    ).toBe('month-1 retention of the latest complete cohort (2024-01) was 50.0%');
  });
});
