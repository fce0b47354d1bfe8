import { msPerDay } from './calendar.ts';
import type { DemoParameters } from './parameters.ts';
import { Random } from './random.ts';
import { normaliseMean, normaliseMonths, specialDayFactor } from './seasonalClock.ts';

/**
 * Signup days in ascending order, so customer numbers grow with signup dates as in a real system,
 * without drawing and sorting all of them first. The signup day has density ∝ e^{g·years} · month ·
 * weekday · special day over the history; sorted uniforms come one at a time from the descending
 * order-statistics recursion M_n = V^{1/n}, M_k = M_{k+1} · V^{1/k}, and 1 − M_k ascend.
 */
export class SignupSchedule {
  private readonly cumulative: Float64Array;
  private readonly random: Random;
  private remaining: number;
  private maximum = 1;

  constructor(days: number, startMs: number, customers: number, seed: number, parameters: DemoParameters) {
    const acquisition = parameters.acquisition;
    const months = normaliseMonths(acquisition.monthFactors);
    const weekdays = normaliseMean(parameters.seasonality.weekdayFactors);
    const growth = Math.log(1 + acquisition.yearlyGrowth);
    this.cumulative = new Float64Array(days);
    let sum = 0;
    for (let day = 0; day < days; day++) {
      const ms = startMs + day * msPerDay;
      const date = new Date(ms);
      sum +=
        Math.exp((growth * day) / 365.25) *
        (months[date.getUTCMonth()] ?? 1) *
        (weekdays[date.getUTCDay()] ?? 1) *
        specialDayFactor(ms, parameters.seasonality);
      this.cumulative[day] = sum;
    }
    // Stream 0 of the seed; customers use streams 1..n.
    this.random = new Random(seed, 0);
    this.remaining = customers;
  }

  /** The next customer's signup day (0-based, non-decreasing from call to call). */
  nextDay(): number {
    if (this.remaining <= 0) throw new Error('no signups left');
    this.maximum *= this.random.uniform() ** (1 / this.remaining);
    this.remaining--;
    const u = 1 - this.maximum;
    const table = this.cumulative;
    const target = u * (table[table.length - 1] ?? 0);
    let lo = 0;
    let hi = table.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((table[mid] ?? 0) > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
