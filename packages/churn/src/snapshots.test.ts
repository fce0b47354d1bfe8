import { BadInputError } from '@retain/warehouse';
import { describe, expect, it } from 'vitest';
import { dayNumber, isoDate } from './dates.ts';
import { planSnapshots } from './snapshots.ts';

describe('out-of-time snapshots', () => {
  it('validates at T − H and trains at T − 2H, T − 3H, … while a horizon of history lies behind', () => {
    const plan = planSnapshots({
      asOfDay: dayNumber('1998-04-01'),
      horizonDays: 90,
      firstOrderDay: dayNumber('1997-01-01'),
    });
    expect(isoDate(plan.validationDay)).toBe('1998-01-01');
    expect(plan.trainingDays.map(isoDate)).toEqual(['1997-10-03', '1997-07-05', '1997-04-06']);
    expect(plan.seasonal).toBe(false);
    for (const day of plan.trainingDays) {
      // Each training label window ends before the validation snapshot's starts: no overlap in time.
      expect(day + 90).toBeLessThanOrEqual(plan.validationDay);
    }
  });

  it('uses the season of the window as a feature only with two years of labelled snapshots', () => {
    const plan = planSnapshots({
      asOfDay: dayNumber('2026-09-30'),
      horizonDays: 90,
      firstOrderDay: dayNumber('2023-10-01'),
    });
    expect(plan.trainingDays).toHaveLength(10);
    expect(plan.seasonal).toBe(true);
  });

  it('caps the number of snapshots and says so', () => {
    const plan = planSnapshots({
      asOfDay: dayNumber('2026-09-30'),
      horizonDays: 30,
      firstOrderDay: dayNumber('2016-01-01'),
      maxTrainingSnapshots: 5,
    });
    expect(plan.trainingDays).toHaveLength(5);
    expect(plan.notes.join(' ')).toMatch(/newest 5 snapshots/);
  });

  it('degrades to one training snapshot on a short history, and refuses one too short', () => {
    const short = planSnapshots({
      asOfDay: dayNumber('2024-12-31'),
      horizonDays: 90,
      firstOrderDay: dayNumber('2024-06-01'),
    });
    expect(short.trainingDays.map(isoDate)).toEqual(['2024-07-04']);
    expect(short.notes[0]).toMatch(/Only one training snapshot/);
    expect(() =>
      planSnapshots({
        asOfDay: dayNumber('2024-12-31'),
        horizonDays: 90,
        firstOrderDay: dayNumber('2024-09-01'),
      }),
    ).toThrow(BadInputError);
  });
});
