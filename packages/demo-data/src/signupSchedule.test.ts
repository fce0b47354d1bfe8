import { describe, expect, it } from 'vitest';
import { demoParameters } from './parameters.ts';
import { SignupSchedule } from './signupSchedule.ts';

describe('SignupSchedule', () => {
  it('yields non-decreasing signup days over the whole history, more of them later', () => {
    const schedule = new SignupSchedule(1096, Date.UTC(2023, 9, 1), 20_000, 42, demoParameters);
    const days = Array.from({ length: 20_000 }, () => schedule.nextDay());
    for (let i = 1; i < days.length; i++) expect(days[i]).toBeGreaterThanOrEqual(days[i - 1] ?? 0);
    expect(days[0]).toBeLessThan(5);
    expect(days.at(-1)).toBeGreaterThan(1090);
    const firstYear = days.filter((d) => d < 365).length;
    const lastYear = days.filter((d) => d >= 731).length;
    expect(lastYear / firstYear).toBeGreaterThan(1.6);
    expect(() => schedule.nextDay()).toThrow(/no signups left/);
  });
});
