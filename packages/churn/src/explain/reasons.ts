import { type RawColumns, REASON_GROUPS, type ReasonGroup, usualGapDays } from '../features/featureSpec.ts';
import { type Category, levelOf } from '../features/featureTable.ts';

/** What the phrases read about one customer: their raw feature values and categories. */
export interface ReasonContext {
  raw: RawColumns;
  channel: Category;
  region: Category;
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
const money = (v: number) => (v >= 100 ? whole(v) : v.toFixed(2));
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

/**
 * The reason a group of features raises a customer's risk, in words a retention agent can say on the
 * phone, from the customer's own values: "64 days since last order; usually 21".
 */
export function reasonPhrase(group: ReasonGroup, context: ReasonContext, i: number): string {
  const { raw } = context;
  const orders = value(raw, 'frequency', i);
  switch (group) {
    case 'recency': {
      const recency = value(raw, 'recency_days', i);
      if (orders <= 1) return `${plural(recency, 'day')} since their only order`;
      return `${plural(recency, 'day')} since last order; usually ${whole(usualGapDays(raw, i))}`;
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
      return `Only ${plural(year, 'order')} in the last 12 months`;
    }
    case 'frequency':
      return orders <= 1
        ? 'Only 1 order so far'
        : `Only ${plural(orders, 'order')} in ${duration(value(raw, 'tenure_days', i))}`;
    case 'tenure': {
      const tenure = value(raw, 'tenure_days', i);
      return tenure < 180
        ? `New customer: first order ${plural(tenure, 'day')} ago`
        : `Customer for ${duration(tenure)}`;
    }
    case 'spend': {
      const total = value(raw, 'monetary_total', i);
      return `Low spend: ${money(total)} in total, ${money(total / Math.max(1, orders))} per order`;
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
      return 'No complaints';
    }
    case 'returns': {
      const count = value(raw, 'returns_total', i);
      if (count === 0) return 'No returns';
      const share = value(raw, 'returned_value', i) / Math.max(1e-9, value(raw, 'monetary_total', i));
      const since = value(raw, 'days_since_return', i);
      return `Returned ${plural(count, 'order')} (${Math.round(Math.min(1, share) * 100)} % of spend), the last ${plural(since, 'day')} ago`;
    }
    case 'channel':
      return `Signed up via ${levelOf(context.channel, i)}`;
    case 'region':
      return `Lives in region ${levelOf(context.region, i)}`;
  }
}

/** Phrases for a row's reason codes (indices into REASON_GROUPS; −1 ends the list). */
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
    groups.push(group);
    phrases.push(reasonPhrase(group, context, i));
  }
  return { phrases, groups };
}
