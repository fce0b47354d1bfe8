import { msPerDay } from './calendar.ts';
import type { DemoParameters } from './parameters.ts';

export type SpecialDay =
  | 'blackFriday'
  | 'cyberWeekend'
  | 'christmasEve'
  | 'christmasDay'
  | 'boxingDay'
  | 'newYearsDay';

/** Which shopping holiday a UTC day is, if any: Black Friday, the weekend after it, Christmas, New Year. */
export function specialDayOf(ms: number): SpecialDay | undefined {
  const date = new Date(ms);
  const month = date.getUTCMonth();
  const day = date.getUTCDate();
  const weekday = date.getUTCDay();
  if (isBlackFriday(ms)) return 'blackFriday';
  // Saturday (6), Sunday (0) and Monday (1) after Black Friday; the Friday before is 1, 2 or 3 days back.
  if (
    (weekday === 6 || weekday === 0 || weekday === 1) &&
    isBlackFriday(ms - ((weekday + 2) % 7) * msPerDay)
  ) {
    return 'cyberWeekend';
  }
  if (month === 11 && day === 24) return 'christmasEve';
  if (month === 11 && day === 25) return 'christmasDay';
  if (month === 11 && day === 26) return 'boxingDay';
  if (month === 0 && day === 1) return 'newYearsDay';
  return undefined;
}

/** The day's shopping factor; shared by purchases and signups so that both peak on the same days. */
export function specialDayFactor(ms: number, seasonality: DemoParameters['seasonality']): number {
  const special = specialDayOf(ms);
  return special ? seasonality[special] : 1;
}

/** The day after the fourth Thursday of November: a Friday between the 23rd and the 29th. */
function isBlackFriday(ms: number): boolean {
  const date = new Date(ms);
  const day = date.getUTCDate();
  return date.getUTCMonth() === 10 && date.getUTCDay() === 5 && day >= 23 && day <= 29;
}

const daysInMonth = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Scales monthly factors so their day-weighted mean over a 365-day year is 1. */
export function normaliseMonths(factors: readonly number[]): number[] {
  let sum = 0;
  for (let m = 0; m < 12; m++) sum += (factors[m] ?? 1) * (daysInMonth[m] ?? 30);
  return factors.map((f) => (f * 365) / sum);
}

export function normaliseMean(factors: readonly number[]): number[] {
  const mean = factors.reduce((a, b) => a + b, 0) / factors.length;
  return factors.map((f) => f / mean);
}

/**
 * The seasonal purchase intensity s(t) = month · weekday · hour · special day, as an hourly cumulative
 * table C(t) = ∫₀ᵗ s. A customer with rate λ orders as a Poisson process with intensity λ·s(t), so the
 * expected number of orders in (a, b] is λ·(C(b) − C(a)); simulating by inverting C costs one uniform
 * per order, and the posterior needs the same C.
 */
export class SeasonalClock {
  /** cumulative[k] = C(k hours), in days of average intensity. */
  private readonly cumulative: Float64Array;
  private readonly hours: number;

  constructor(startMs: number, days: number, parameters: DemoParameters) {
    const seasonality = parameters.seasonality;
    const months = normaliseMonths(seasonality.monthFactors);
    const weekdays = normaliseMean(seasonality.weekdayFactors);
    const hourFactors = normaliseMean(seasonality.hourFactors);
    this.hours = days * 24;
    this.cumulative = new Float64Array(this.hours + 1);
    let sum = 0;
    for (let day = 0; day < days; day++) {
      const ms = startMs + day * msPerDay;
      const date = new Date(ms);
      const dayFactor =
        (months[date.getUTCMonth()] ?? 1) *
        (weekdays[date.getUTCDay()] ?? 1) *
        specialDayFactor(ms, seasonality);
      for (let hour = 0; hour < 24; hour++) {
        sum += (dayFactor * (hourFactors[hour] ?? 1)) / 24;
        this.cumulative[day * 24 + hour + 1] = sum;
      }
    }
  }

  /** Length of the table in days; C is defined on [0, days]. */
  get days(): number {
    return this.hours / 24;
  }

  /** C(t), linear within each hour. */
  at(t: number): number {
    const position = t * 24;
    if (position <= 0) return 0;
    if (position >= this.hours) return this.cumulative[this.hours] ?? 0;
    const k = Math.floor(position);
    const lo = this.cumulative[k] ?? 0;
    const hi = this.cumulative[k + 1] ?? lo;
    return lo + (hi - lo) * (position - k);
  }

  /** Intensity s(t) (constant within an hour). */
  intensityAt(t: number): number {
    const k = Math.min(this.hours - 1, Math.max(0, Math.floor(t * 24)));
    return ((this.cumulative[k + 1] ?? 0) - (this.cumulative[k] ?? 0)) * 24;
  }

  /** The time t with C(t) = c, or Infinity when c lies beyond the table. */
  inverse(c: number): number {
    const table = this.cumulative;
    if (c > (table[this.hours] ?? 0)) return Number.POSITIVE_INFINITY;
    let lo = 0;
    let hi = this.hours;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if ((table[mid] ?? 0) < c) lo = mid;
      else hi = mid;
    }
    const a = table[lo] ?? 0;
    const b = table[hi] ?? a;
    return (lo + (b > a ? (c - a) / (b - a) : 0)) / 24;
  }
}
