import { describe, expect, it } from 'vitest';
import { monthOneTileText } from './monthOneRetention.ts';

describe('the month-1 retention tile', () => {
  it('the latest complete cohort against the six before it', () => {
    const text = monthOneTileText({
      cohort: '2024-11',
      value: 0.25,
      previousMean: 0.2958,
      previousCohorts: ['2024-05', '2024-06', '2024-07', '2024-08', '2024-09', '2024-10'],
      delta: 0.25 - 0.2958,
    });
    expect(text.value).toBe('25.0%');
    expect(text.population).toBe('Cohort 2024-11 (first orders in that month)');
    expect(text.change).toMatchObject({ arrow: '▼', verdict: 'worse' });
    expect(text.change?.text).toMatch(/^−4\.6 pp$|^-4\.6 pp$/);
    expect(text.comparison).toBe('vs 29.6%, the average of the 6 cohorts before it (2024-05 to 2024-10)');
  });

  it('flat under 0.05 points, and says when there is nothing to compare with', () => {
    expect(
      monthOneTileText({
        cohort: '2024-02',
        value: 0.3,
        previousMean: 0.3004,
        previousCohorts: ['2024-01'],
        delta: -0.0004,
      }).change?.verdict,
    ).toBe('flat');
    const alone = monthOneTileText({
      cohort: '2024-01',
      value: 0.5,
      previousMean: null,
      previousCohorts: [],
      delta: null,
    });
    expect(alone.change).toBeNull();
    expect(alone.comparison).toBe('no earlier cohort to compare with');
  });
});
