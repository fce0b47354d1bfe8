import { PERIODS } from '@retain/schemas';
import { describe, expect, it } from 'vitest';
import {
  dayIndex,
  firstDayOfPeriod,
  isoDay,
  parsePeriodLabel,
  periodBounds,
  periodLabel,
  periodOfDay,
} from './periods.ts';

const label = (period: (typeof PERIODS)[number], date: string) =>
  periodLabel(period, periodOfDay(period, dayIndex(date)));

describe('period labels', () => {
  it('names ISO weeks by ISO week-year', () => {
    expect(label('week', '2020-12-31')).toBe('2020-W53');
    expect(label('week', '2021-01-03')).toBe('2020-W53');
    expect(label('week', '2021-01-04')).toBe('2021-W01');
    expect(label('week', '2019-12-30')).toBe('2020-W01');
    expect(label('week', '2019-12-29')).toBe('2019-W52');
    expect(label('week', '2010-01-03')).toBe('2009-W53');
    expect(label('week', '1970-01-01')).toBe('1970-W01');
    expect(label('week', '1969-12-28')).toBe('1969-W52');
  });

  it('names days, months and quarters', () => {
    expect(label('day', '2024-02-29')).toBe('2024-02-29');
    expect(label('month', '2024-02-29')).toBe('2024-02');
    expect(label('quarter', '2024-02-29')).toBe('2024-Q1');
    expect(label('quarter', '2024-10-01')).toBe('2024-Q4');
    expect(label('month', '1969-12-31')).toBe('1969-12');
  });

  it('parses every label back to its period and rejects others', () => {
    for (const period of PERIODS) {
      for (let day = dayIndex('2019-12-20'); day < dayIndex('2021-01-20'); day += 3) {
        const index = periodOfDay(period, day);
        expect(parsePeriodLabel(period, periodLabel(period, index))).toBe(index);
        expect(firstDayOfPeriod(period, index)).toBeLessThanOrEqual(day);
        expect(periodOfDay(period, firstDayOfPeriod(period, index))).toBe(index);
        expect(periodOfDay(period, firstDayOfPeriod(period, index) - 1)).toBe(index - 1);
      }
    }
    expect(parsePeriodLabel('week', '2021-W53')).toBeNull();
    expect(parsePeriodLabel('week', '2020-W53')).not.toBeNull();
    expect(parsePeriodLabel('day', '2021-02-29')).toBeNull();
    expect(parsePeriodLabel('month', '2021-13')).toBeNull();
    expect(parsePeriodLabel('quarter', '2021-Q5')).toBeNull();
    expect(parsePeriodLabel('month', 'January')).toBeNull();
  });
});

describe('periodBounds', () => {
  it('calls a period complete once its last day is in the data', () => {
    const march = periodOfDay('month', dayIndex('2021-03-01'));
    expect(periodBounds('month', dayIndex('2021-03-15'))).toEqual({ end: march, lastComplete: march - 1 });
    expect(periodBounds('month', dayIndex('2021-03-31'))).toEqual({ end: march, lastComplete: march });
    const day = dayIndex('2021-03-15');
    expect(periodBounds('day', day)).toEqual({ end: day, lastComplete: day });
    // Sunday 2021-01-10 ends ISO week 2021-W01.
    const w01 = periodOfDay('week', dayIndex('2021-01-04'));
    expect(periodBounds('week', dayIndex('2021-01-10'))).toEqual({ end: w01, lastComplete: w01 });
    expect(isoDay(dayIndex('2024-02-29'))).toBe('2024-02-29');
  });
});
