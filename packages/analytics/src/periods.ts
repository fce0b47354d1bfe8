import type { Period } from '@retain/schemas';

/*
 * Periods are numbered so that "offset k" is plain subtraction: days since 1970-01-01, ISO weeks
 * since the week of 1970-01-05 (a Monday), months and quarters since year 0. The SQL that builds
 * the rollup (analyticsRollup.ts) numbers them the same way; labels are made here, once per cohort.
 */

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a YYYY-MM-DD date. */
export function dayIndex(isoDate: string): number {
  const ms = Date.parse(`${isoDate}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new Error(`not a date: ${isoDate}`);
  return Math.round(ms / DAY_MS);
}

/** YYYY-MM-DD of a day index. */
export function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The index of the period containing a day. */
export function periodOfDay(period: Period, day: number): number {
  switch (period) {
    case 'day':
      return day;
    case 'week':
      // 1970-01-01 was a Thursday: day 4 is the first Monday, and starts week 1.
      return Math.floor((day + 3) / 7);
    case 'month':
    case 'quarter': {
      const date = new Date(day * DAY_MS);
      const month = date.getUTCFullYear() * 12 + date.getUTCMonth();
      return period === 'month' ? month : Math.floor(month / 3);
    }
  }
}

/** The first day of a period. */
export function firstDayOfPeriod(period: Period, index: number): number {
  switch (period) {
    case 'day':
      return index;
    case 'week':
      return index * 7 - 3;
    case 'month':
      return Math.round(Date.UTC(Math.floor(index / 12), mod(index, 12), 1) / DAY_MS);
    case 'quarter':
      return Math.round(Date.UTC(Math.floor(index / 4), mod(index, 4) * 3, 1) / DAY_MS);
  }
}

/** 2024-01-05, 2024-W01 (ISO week-year), 2024-01, 2024-Q1. */
export function periodLabel(period: Period, index: number): string {
  switch (period) {
    case 'day':
      return isoDay(index);
    case 'week': {
      // The ISO week-year is the year of the week's Thursday; week 1 holds the year's first Thursday.
      const thursday = new Date((firstDayOfPeriod('week', index) + 3) * DAY_MS);
      const year = thursday.getUTCFullYear();
      const dayOfYear = (thursday.getTime() - Date.UTC(year, 0, 1)) / DAY_MS;
      return `${year}-W${pad(Math.floor(dayOfYear / 7) + 1)}`;
    }
    case 'month':
      return `${Math.floor(index / 12)}-${pad(mod(index, 12) + 1)}`;
    case 'quarter':
      return `${Math.floor(index / 4)}-Q${mod(index, 4) + 1}`;
  }
}

const LABEL_PATTERNS: Record<Period, RegExp> = {
  day: /^\d{4}-\d{2}-\d{2}$/,
  week: /^(\d{4})-W(\d{2})$/,
  month: /^(\d{4})-(\d{2})$/,
  quarter: /^(\d{4})-Q([1-4])$/,
};

/** The period index of a label made by `periodLabel`, or null if the label is not one. */
export function parsePeriodLabel(period: Period, label: string): number | null {
  const match = LABEL_PATTERNS[period].exec(label);
  if (!match) return null;
  let index: number;
  switch (period) {
    case 'day': {
      const ms = Date.parse(`${label}T00:00:00Z`);
      if (Number.isNaN(ms)) return null;
      index = Math.round(ms / DAY_MS);
      break;
    }
    case 'week': {
      // Week 1 is the week containing 4 January.
      const jan4 = Math.round(Date.UTC(Number(match[1]), 0, 4) / DAY_MS);
      index = periodOfDay('week', jan4) + Number(match[2]) - 1;
      break;
    }
    case 'month':
      index = Number(match[1]) * 12 + Number(match[2]) - 1;
      break;
    case 'quarter':
      index = Number(match[1]) * 4 + Number(match[2]) - 1;
      break;
  }
  return periodLabel(period, index) === label ? index : null;
}

/**
 * The data's end as periods: `end` is the period holding the last day, `lastComplete` the last
 * period whose final day is on or before it (a cell after that is incomplete).
 */
export function periodBounds(period: Period, endDay: number): { end: number; lastComplete: number } {
  return { end: periodOfDay(period, endDay), lastComplete: periodOfDay(period, endDay + 1) - 1 };
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
