import { type RawColumns, REASON_GROUPS, type ReasonGroup, usualGapDays } from '../features/featureSpec.ts';
import type { Category } from '../features/featureTable.ts';

/** What the phrases read about one customer: their raw feature values and categories. */
export interface ReasonContext {
  raw: RawColumns;
  channel: Category;
  region: Category;
  /** The symbol amounts are written with ("$", "€", "CHF "); none: plain numbers. */
  currencySymbol?: string;
}

/** 12,345: grouping by hand, because Intl formatting costs microseconds per call at a million customers. */
export function whole(v: number): string {
  const n = Math.round(v);
  const digits = String(Math.abs(n));
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? `-${out}` : out;
}
/** An amount as the dashboard writes money: whole units of the data's currency ($8,918). */
const money = (v: number, symbol = '') => `${symbol}${whole(v)}`;

/** The short symbol of a currency ("$", "€", "£"), or its code and a space where it has none. */
export function currencySymbol(code: string): string {
  const part = new Intl.NumberFormat('en', {
    style: 'currency',
    currency: code,
    currencyDisplay: 'narrowSymbol',
  })
    .formatToParts(0)
    .find((p) => p.type === 'currency')?.value;
  return part && part !== code ? part : `${code} `;
}
const plural = (n: number, one: string, many = `${one}s`) =>
  `${whole(n)} ${Math.round(n) === 1 ? one : many}`;
const value = (raw: RawColumns, column: keyof RawColumns, i: number) => raw[column][i] ?? Number.NaN;
const known = (v: number) => !Number.isNaN(v);

function duration(days: number): string {
  if (days < 60) return plural(days, 'day');
  if (days < 730) return plural(days / 30.44, 'month');
  return `${(days / 365.25).toFixed(1)} years`;
}

/**
 * A reason group's name on the dashboard, in the words its phrases use ("64 days since last order;
 * usually 21" is about "Days since last order").
 */
export const REASON_LABELS: Readonly<Record<ReasonGroup, string>> = {
  recency: 'Days since last order',
  activity: 'Recent orders',
  frequency: 'Number of orders',
  tenure: 'Time as a customer',
  spend: 'Spend',
  complaints: 'Complaints',
  returns: 'Returns',
  channel: 'Signup channel',
  region: 'Region',
};

/** What is usual among the scored customers, to tell a low value from an ordinary one. */
interface Population {
  /** Median orders a year of the customers with two orders or more. */
  ordersPerYear: number;
  /** Median usual gap between orders, in days, of the same customers. */
  gapDays: number;
}

/** Customers a population median is read from at most (an even sample of larger tables). */
const POPULATION_SAMPLE = 100_000;
const populations = new WeakMap<RawColumns, Population>();

/** The population's medians, computed once per table of raw values. */
function populationOf(raw: RawColumns): Population {
  const cached = populations.get(raw);
  if (cached) return cached;
  const n = raw.frequency.length;
  const step = Math.max(1, Math.floor(n / POPULATION_SAMPLE));
  const rates: number[] = [];
  const gaps: number[] = [];
  for (let i = 0; i < n; i += step) {
    const orders = raw.frequency[i] ?? 0;
    if (!(orders >= 2)) continue;
    rates.push(ordersPerYear(raw, i));
    gaps.push(usualGapDays(raw, i));
  }
  const population = { ordersPerYear: median(rates), gapDays: median(gaps) };
  populations.set(raw, population);
  return population;
}

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)] ?? Number.NaN;
}

/** Orders a year over the customer's whole tenure (a month at least, so one week is not a year's pace). */
const ordersPerYear = (raw: RawColumns, i: number) =>
  (value(raw, 'frequency', i) * 365.25) / Math.max(30, value(raw, 'tenure_days', i));

/**
 * The reason a group of features raises a customer's risk, in words a retention agent can say on the
 * phone, from the customer's own values: "64 days since last order; usually 21". Null when the
 * customer's values do not bear the reason out: a reason must be true of them and a warning sign,
 * against their own rhythm (overdue, fewer orders than before, spending less) or the population
 * (fewer orders than most). Facts that describe a customer rather than a change in what they do
 * (their signup channel, region, years as a customer, no complaints) are never a reason to call.
 */
export function reasonPhrase(group: ReasonGroup, context: ReasonContext, i: number): string | null {
  const { raw } = context;
  const orders = value(raw, 'frequency', i);
  switch (group) {
    case 'recency': {
      const recency = value(raw, 'recency_days', i);
      if (orders <= 1) {
        // One order: overdue once it is longer ago than most customers' usual gap.
        const typical = populationOf(raw).gapDays;
        return known(typical) && recency < typical
          ? null
          : `${plural(recency, 'day')} since their only order`;
      }
      const usual = usualGapDays(raw, i);
      if (!(recency > usual * 1.25)) return null; // within their rhythm
      return `${plural(recency, 'day')} since last order; usually ${whole(usual)}`;
    }
    case 'activity': {
      const last90 = value(raw, 'orders_90', i);
      const before = value(raw, 'orders_prev_90', i);
      const year = value(raw, 'orders_365', i);
      if (last90 === 0 && before > 0)
        return `No orders in the last 90 days, after ${whole(before)} in the 90 before`;
      if (last90 < before)
        return `${plural(last90, 'order')} in the last 90 days, down from ${whole(before)}`;
      if (year === 0) return 'No orders in the last 12 months';
      // Fewer orders this year than their own pace before it (customers of more than a year only).
      const tenure = value(raw, 'tenure_days', i);
      if (!(tenure > 455)) return null;
      const usualYear = ((orders - year) * 365.25) / (tenure - 365.25);
      if (!(year < usualYear * 0.75)) return null;
      return `Only ${plural(year, 'order')} in the last 12 months; usually ${whole(usualYear)} a year`;
    }
    case 'frequency': {
      if (orders <= 1) return 'Only 1 order so far';
      // "Only" when they order less often than most customers do, not for a weekly buyer.
      const typical = populationOf(raw).ordersPerYear;
      if (!known(typical) || ordersPerYear(raw, i) >= typical) return null;
      return `Only ${plural(orders, 'order')} in ${duration(value(raw, 'tenure_days', i))}`;
    }
    case 'tenure': {
      const tenure = value(raw, 'tenure_days', i);
      return tenure < 180 ? `New customer: first order ${plural(tenure, 'day')} ago` : null;
    }
    case 'spend': {
      // Spending less than they used to: the last 12 months against their yearly spend before.
      const total = value(raw, 'monetary_total', i);
      const year = value(raw, 'revenue_365', i);
      const tenure = value(raw, 'tenure_days', i);
      if (!(tenure > 455) || !known(year)) return null;
      const usualYear = ((total - year) * 365.25) / (tenure - 365.25);
      if (!(usualYear > 0) || !(year < usualYear * 0.5)) return null;
      const symbol = context.currencySymbol;
      return `Spent ${money(Math.max(0, year), symbol)} in the last 12 months; about ${money(usualYear, symbol)} a year before`;
    }
    case 'complaints': {
      const recent = value(raw, 'complaints_90', i);
      const open = value(raw, 'complaints_unresolved', i);
      const total = value(raw, 'complaints_total', i);
      const openDays = value(raw, 'open_complaint_days', i);
      const resolution = value(raw, 'mean_resolution_days', i);
      const severity = value(raw, 'max_severity', i);
      if (recent > 0) {
        const parts = [`${plural(recent, 'complaint')} in the last 90 days`];
        if (open > 0) parts.push(`${whole(open)} unresolved`);
        else if (known(resolution) && resolution >= 2) parts.push(`${duration(resolution)} to resolve`);
        return parts.join(', ');
      }
      if (open > 0) {
        return `${plural(open, 'unresolved complaint')}${known(openDays) ? `, open for ${duration(openDays)}` : ''}`;
      }
      if (total > 0) {
        const since = value(raw, 'days_since_complaint', i);
        const slow = known(resolution) && resolution >= 7 ? `; took ${duration(resolution)} to resolve` : '';
        const severe = known(severity) && severity >= 3 ? ` (severity ${whole(severity)})` : '';
        return `${plural(total, 'complaint')}${severe}, the last ${plural(since, 'day')} ago${slow}`;
      }
      return null;
    }
    case 'returns': {
      const count = value(raw, 'returns_total', i);
      if (!(count > 0)) return null;
      const share = value(raw, 'returned_value', i) / Math.max(1e-9, value(raw, 'monetary_total', i));
      const since = value(raw, 'days_since_return', i);
      return `Returned ${plural(count, 'order')} (${(Math.min(1, share) * 100).toFixed(1)}% of spend), the last ${plural(since, 'day')} ago`;
    }
    case 'channel':
    case 'region':
      return null;
  }
}

/**
 * Phrases for a row's reason codes (indices into REASON_GROUPS; −1 ends the list), leaving out the
 * groups whose phrase the customer's values do not bear out (see reasonPhrase).
 */
export function reasonPhrases(
  codes: ArrayLike<number>,
  offset: number,
  count: number,
  context: ReasonContext,
  i: number,
) {
  const phrases: string[] = [];
  const groups: ReasonGroup[] = [];
  for (let k = 0; k < count; k++) {
    const code = codes[offset + k] ?? -1;
    const group = REASON_GROUPS[code];
    if (code < 0 || !group) break;
    const phrase = reasonPhrase(group, context, i);
    if (phrase === null) continue;
    groups.push(group);
    phrases.push(phrase);
  }
  return { phrases, groups };
}
