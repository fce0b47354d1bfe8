import { describe, expect, it } from 'vitest';
import { demoParameters } from './parameters.ts';
import { SeasonalClock, specialDayFactor } from './seasonalClock.ts';

const seasonality = demoParameters.seasonality;

describe('SeasonalClock', () => {
  const clock = new SeasonalClock(Date.UTC(2025, 0, 1), 366, demoParameters);

  it('averages about one over a year, so λ means orders per day', () => {
    expect(clock.at(365) / 365).toBeGreaterThan(0.98);
    expect(clock.at(365) / 365).toBeLessThan(1.03);
  });

  it('inverts its cumulative intensity and ends at infinity', () => {
    for (const t of [0.3, 17.25, 200.9, 333]) expect(clock.inverse(clock.at(t))).toBeCloseTo(t, 9);
    expect(clock.inverse(clock.at(366) + 1)).toBe(Number.POSITIVE_INFINITY);
  });

  it('peaks in the evening, in December and on Black Friday', () => {
    const day = 100;
    expect(clock.intensityAt(day + 19.5 / 24)).toBeGreaterThan(clock.intensityAt(day + 3.5 / 24) * 10);
    expect(clock.at(365) - clock.at(334)).toBeGreaterThan((clock.at(59) - clock.at(31)) * 1.5);
    expect(specialDayFactor(Date.UTC(2025, 10, 28), seasonality)).toBe(seasonality.blackFriday);
    expect(specialDayFactor(Date.UTC(2025, 11, 1), seasonality)).toBe(seasonality.cyberWeekend);
    expect(specialDayFactor(Date.UTC(2024, 10, 29), seasonality)).toBe(seasonality.blackFriday);
    expect(specialDayFactor(Date.UTC(2024, 11, 1), seasonality)).toBe(seasonality.cyberWeekend);
    expect(specialDayFactor(Date.UTC(2024, 11, 3), seasonality)).toBe(1);
    expect(specialDayFactor(Date.UTC(2025, 11, 25), seasonality)).toBe(seasonality.christmasDay);
  });
});
