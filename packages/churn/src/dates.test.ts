import { describe, expect, it } from 'vitest';
import { civilFromDays, dayNumber, isoDate, monthOfDay, yearPhase } from './dates.ts';

describe('calendar arithmetic', () => {
  it('agrees with Date on every day of 1990–2040', () => {
    for (let day = dayNumber('1990-01-01'); day <= dayNumber('2040-12-31'); day++) {
      const date = new Date(day * 86_400_000);
      const civil = civilFromDays(day);
      expect(civil).toEqual({
        year: date.getUTCFullYear(),
        month: date.getUTCMonth() + 1,
        day: date.getUTCDate(),
      });
      if (civil.day === 1) expect(monthOfDay(day + 0.5)).toBe(date.getUTCMonth());
    }
  });

  it('measures the year phase from 1 January', () => {
    expect(yearPhase(dayNumber('2024-01-01'))).toBe(0);
    expect(yearPhase(dayNumber('2024-12-31'))).toBeCloseTo(365 / 365.25, 12);
    expect(isoDate(dayNumber('2024-02-29'))).toBe('2024-02-29');
    expect(() => dayNumber('2023-02-29')).toThrow();
  });
});
