import { ParameterError } from '@retain/warehouse';

/** Dates are calendar days (YYYY-MM-DD, UTC); a snapshot at day S sees everything before 00:00 UTC of S + 1. */

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of an ISO date; throws on anything that is not a calendar date. */
export function dayNumber(date: string): number {
  const match = ISO_DATE.exec(date);
  if (!match) throw new Error(`expected a date as YYYY-MM-DD, got "${date}"`);
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (isoDate(ms / MS_PER_DAY) !== date) throw new Error(`"${date}" is not a calendar date`);
  return ms / MS_PER_DAY;
}

/** A date that is no calendar day, refused as the as-of date. */
export function invalidAsOf(value: string, error: unknown): ParameterError {
  return new ParameterError({
    code: 'invalid',
    field: 'asOf',
    value,
    params: {},
    explanation: error instanceof Error ? error.message : String(error),
  });
}

export function isoDate(day: number): string {
  return new Date(Math.floor(day) * MS_PER_DAY).toISOString().slice(0, 10);
}

export function isIsoDate(value: string): boolean {
  try {
    dayNumber(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Year, month (1–12) and day of a day number, by Howard Hinnant's civil-from-days: pure arithmetic,
 * because the features call it for every customer and a Date per call is slow at a million.
 */
export function civilFromDays(dayNumberValue: number): { year: number; month: number; day: number } {
  const z = Math.floor(dayNumberValue) + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Day number of 1 January of a year (the inverse of civilFromDays for that date). */
function firstOfYear(year: number): number {
  const y = year - 1;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  // 1 January is day 306 of the March-based year that starts the previous March.
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + 306;
  return era * 146_097 + doe - 719_468;
}

/** Day of the year in [0, 1): the phase of the seasonal features. */
export function yearPhase(day: number): number {
  const whole = Math.floor(day);
  return (whole - firstOfYear(civilFromDays(whole).year)) / 365.25;
}

/** Calendar month (0–11) of a fractional day number. */
export function monthOfDay(day: number): number {
  return civilFromDays(day).month - 1;
}
