import type { CsvWriter } from './csvWriter.ts';

/**
 * The history window and fast timestamp formatting. Inside the generator a time is a float number of
 * days since the history start (00:00 UTC of the first day); the end of the history T is 00:00 UTC of
 * the day after `end`, so `end` itself is fully inside the history.
 */

export const msPerDay = 86_400_000;

export interface HistoryWindow {
  /** First day of the history, YYYY-MM-DD. */
  start: string;
  /** Last day of the history (inclusive), YYYY-MM-DD. */
  end: string;
  /** Epoch milliseconds of 00:00 UTC on `start`. */
  startMs: number;
  /** Length of the history in days: T, the end instant, in generator time. */
  days: number;
}

const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Epoch milliseconds of 00:00 UTC on an ISO date; rejects impossible dates such as 2026-02-30. */
export function parseIsoDate(value: string): number {
  const match = isoDate.exec(value);
  if (!match) throw new Error(`expected a date as YYYY-MM-DD, got "${value}"`);
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (formatDate(ms) !== value) throw new Error(`"${value}" is not a calendar date`);
  return ms;
}

export function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `years` of history ending on `end` inclusive: round(years · 365.25) days, so 3 years is 1096 days. */
export function historyWindow(end: string, years: number): HistoryWindow {
  if (!(years > 0)) throw new Error(`years must be positive, got ${years}`);
  const endExclusive = parseIsoDate(end) + msPerDay;
  const days = Math.round(years * 365.25);
  const startMs = endExclusive - days * msPerDay;
  return { start: formatDate(startMs), end, startMs, days };
}

const twoDigits = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

/**
 * Formats generator times as 'YYYY-MM-DD' and 'YYYY-MM-DD HH:MM:SS' (UTC). Day strings are computed
 * once per day, because `Date#toISOString` per order line would dominate the run time.
 */
export class TimestampFormatter {
  private readonly dayStrings: string[];

  constructor(
    private readonly startMs: number,
    days: number,
  ) {
    this.dayStrings = Array.from({ length: days + 1 }, (_, day) => formatDate(startMs + day * msPerDay));
  }

  date(t: number): string {
    const day = Math.floor(t);
    return this.dayStrings[day] ?? formatDate(this.startMs + day * msPerDay);
  }

  timestamp(t: number): string {
    const seconds = Math.floor(t * 86_400 + 1e-6);
    const day = Math.floor(seconds / 86_400);
    let rest = seconds - day * 86_400;
    const hours = Math.floor(rest / 3600);
    rest -= hours * 3600;
    const minutes = Math.floor(rest / 60);
    const dayString = this.dayStrings[day] ?? formatDate(this.startMs + day * msPerDay);
    return `${dayString} ${twoDigits[hours]}:${twoDigits[minutes]}:${twoDigits[rest - minutes * 60]}`;
  }

  /** Writes `timestamp(t)` as bytes into a reserved span of `writer`, without building a string. */
  writeTimestamp(writer: CsvWriter, t: number): void {
    const seconds = Math.floor(t * 86_400 + 1e-6);
    const day = Math.floor(seconds / 86_400);
    let rest = seconds - day * 86_400;
    const hours = Math.floor(rest / 3600);
    rest -= hours * 3600;
    const minutes = Math.floor(rest / 60);
    writer.ascii(this.dayStrings[day] ?? formatDate(this.startMs + day * msPerDay));
    writer.byte(32);
    writer.zeroPadded(hours, 2);
    writer.byte(58);
    writer.zeroPadded(minutes, 2);
    writer.byte(58);
    writer.zeroPadded(rest - minutes * 60, 2);
  }
}

/** Generator time truncated to whole seconds, the precision the CSV files keep. */
export function toWholeSeconds(t: number): number {
  return Math.floor(t * 86_400 + 1e-6) / 86_400;
}
