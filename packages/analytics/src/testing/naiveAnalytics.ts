import type {
  AnalyticsFilters,
  CohortAttribute,
  CohortMatrixQuery,
  Period,
  RepeatQuery,
} from '@retain/schemas';
import type { History, HistoryLine } from './history.ts';

/*
 * A deliberately naive reference: the definitions of README.md, "Retention analytics" applied customer by
 * customer to a history in memory, with its own calendar arithmetic (JS Dates), sharing nothing
 * with the engine's SQL. Property tests compare the two on random histories. Slow, and meant to be.
 */

const DAY_MS = 86_400_000;
const dayOf = (timestamp: string) => Math.floor(Date.parse(`${timestamp.slice(0, 10)}T00:00:00Z`) / DAY_MS);
const dateOf = (day: number) => new Date(day * DAY_MS);

/** A period as (key, label): keys of consecutive periods differ by 1. */
function period(kind: Period, day: number): { key: number; label: string } {
  const date = dateOf(day);
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth();
  switch (kind) {
    case 'day':
      return { key: day, label: date.toISOString().slice(0, 10) };
    case 'month':
      return { key: y * 12 + m, label: `${y}-${String(m + 1).padStart(2, '0')}` };
    case 'quarter':
      return { key: y * 4 + Math.floor(m / 3), label: `${y}-Q${Math.floor(m / 3) + 1}` };
    case 'week': {
      const monday = day - ((date.getUTCDay() + 6) % 7);
      const thursday = dateOf(monday + 3);
      const isoYear = thursday.getUTCFullYear();
      const week = Math.floor((monday + 3 - Date.UTC(isoYear, 0, 1) / DAY_MS) / 7) + 1;
      return { key: monday / 7, label: `${isoYear}-W${String(week).padStart(2, '0')}` };
    }
  }
}

/** The last day of the period holding `day`. */
function periodEnd(kind: Period, day: number): number {
  let last = day;
  while (period(kind, last + 1).key === period(kind, day).key) last++;
  return last;
}

interface Order {
  id: string;
  ts: string;
  day: number;
  value: number;
  lines: HistoryLine[];
}

interface Customer {
  id: string;
  orders: Order[];
  first: Order;
  channel: string | null;
  region: string | null;
  category: string | null;
}

/** The value of an attribute on the order's largest line that has one; ties: alphabetically first. */
function attributeOf(lines: HistoryLine[], name: 'channel' | 'region' | 'category'): string | null {
  const values = lines
    .filter((line) => (line[name] ?? null) !== null)
    .map((line) => ({ amount: line.amount, value: line[name] ?? '' }))
    .sort((a, b) => b.amount - a.amount || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  return values[0]?.value ?? null;
}

function customersOf(history: History): Customer[] {
  const byOrder = new Map<string, HistoryLine[]>();
  for (const line of history.lines) byOrder.set(line.orderId, [...(byOrder.get(line.orderId) ?? []), line]);
  const byCustomer = new Map<string, Order[]>();
  for (const [id, lines] of byOrder) {
    const customer = lines.map((l) => l.customerId).sort()[0] ?? '';
    const ts = lines.map((l) => l.orderDate).sort()[0] ?? '';
    const order = { id, ts, day: dayOf(ts), value: lines.reduce((s, l) => s + l.amount, 0), lines };
    byCustomer.set(customer, [...(byCustomer.get(customer) ?? []), order]);
  }
  return [...byCustomer].map(([id, orders]) => {
    orders.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.id < b.id ? -1 : 1));
    const first = orders[0];
    if (!first) throw new Error(`customer ${id} without orders`);
    return {
      id,
      orders,
      first,
      channel: attributeOf(first.lines, 'channel'),
      region: attributeOf(first.lines, 'region'),
      category: attributeOf(first.lines, 'category'),
    };
  });
}

interface Population {
  end: number | null;
  firstDay: number | null;
  members: Customer[];
  history: History;
}

function population(history: History, filters: AnalyticsFilters): Population {
  const customers = customersOf(history);
  const days = customers.flatMap((c) => c.orders.map((o) => o.day));
  if (days.length === 0) return { end: null, firstDay: null, members: [], history };
  const maxDay = Math.max(...days);
  const end = filters.to ? Math.min(dayOf(filters.to), maxDay) : maxDay;
  const complainedBy = (id: string) =>
    history.complaints.some((c) => c.customerId === id && dayOf(c.openedAt) <= end);
  const members = customers.filter(
    (c) =>
      c.first.day <= end &&
      (!filters.from || c.first.day >= dayOf(filters.from)) &&
      (!filters.channel || (c.channel !== null && filters.channel.includes(c.channel))) &&
      (!filters.region || (c.region !== null && filters.region.includes(c.region))) &&
      (!filters.category || (c.category !== null && filters.category.includes(c.category))) &&
      (filters.complained === undefined || complainedBy(c.id) === filters.complained),
  );
  return { end, firstDay: Math.min(...days), members, history };
}

function groupLabel(
  p: Population,
  c: Customer,
  kind: Period,
  by: CohortAttribute | 'period' | 'all',
  end: number,
): string {
  switch (by) {
    case 'period':
      return period(kind, c.first.day).label;
    case 'all':
      return 'all';
    case 'channel':
    case 'region':
    case 'category':
      return c[by] ?? '(unknown)';
    case 'complainedEarly':
      return p.history.complaints.some((x) => {
        const opened = dayOf(x.openedAt);
        return x.customerId === c.id && opened <= end && opened >= c.first.day && opened <= c.first.day + 90;
      })
        ? 'yes'
        : 'no';
  }
}

export interface NaiveRow {
  cohort: string;
  size: number;
  values: Array<number | null>;
  complete: boolean[];
  counts: number[];
  bases: number[];
}

export function naiveCohortMatrix(history: History, query: CohortMatrixQuery, byAll = false): NaiveRow[] {
  const p = population(history, query.filters);
  const end = p.end;
  if (end === null) return [];
  const kind = query.period;
  const by = byAll ? (query.by ?? 'all') : (query.by ?? 'period');
  const groups = new Map<string, Customer[]>();
  for (const c of p.members) {
    const label = groupLabel(p, c, kind, by, end);
    groups.set(label, [...(groups.get(label) ?? []), c]);
  }
  const endKey = period(kind, end).key;
  const lastCompleteKey = periodEnd(kind, end) === end ? endKey : endKey - 1;
  const fp = (c: Customer) => period(kind, c.first.day).key;
  const ordersIn = (c: Customer, key: number) =>
    c.orders.filter((o) => o.day <= end && period(kind, o.day).key === key);
  const returnsIn = (c: Customer, key: number) =>
    p.history.returns
      .filter(
        (r) =>
          r.customerId === c.id &&
          dayOf(r.returnedAt) <= end &&
          period(kind, dayOf(r.returnedAt)).key === key,
      )
      .reduce((s, r) => s + r.amount, 0);

  const rows: NaiveRow[] = [];
  for (const [label, members] of groups) {
    const minFirst = Math.min(...members.map(fp));
    const lastK = Math.min(endKey - minFirst, query.maxOffset ?? Number.POSITIVE_INFINITY);
    const row: NaiveRow = {
      cohort: label,
      size: members.length,
      values: [],
      complete: [],
      counts: [],
      bases: [],
    };
    for (let k = 0; k <= lastK; k++) {
      const observed = members.filter((c) => fp(c) + k <= lastCompleteKey);
      const complete = observed.length > 0;
      const base = complete ? observed : members.filter((c) => fp(c) + k <= endKey);
      let count = 0;
      let value: number | null = null;
      if (query.metric === 'customers') {
        count = base.filter((c) =>
          query.mode === 'on'
            ? ordersIn(c, fp(c) + k).length > 0
            : c.orders.some((o) => o.day <= end && period(kind, o.day).key >= fp(c) + k),
        ).length;
        value = count / base.length;
      } else if (query.metric === 'orders') {
        count = base.reduce((s, c) => s + ordersIn(c, fp(c) + k).length, 0);
        value = count / base.length;
      } else {
        const net = (c: Customer, key: number) =>
          ordersIn(c, key).reduce((s, o) => s + o.value, 0) - (query.net ? returnsIn(c, key) : 0);
        count = base.reduce((s, c) => s + net(c, fp(c) + k), 0);
        const first = base.reduce((s, c) => s + net(c, fp(c)), 0);
        value = first !== 0 ? count / first : null;
      }
      row.values.push(value);
      row.complete.push(complete);
      row.counts.push(count);
      row.bases.push(base.length);
    }
    rows.push(row);
  }
  return rows;
}

export function naiveRepeat(history: History, query: RepeatQuery) {
  const p = population(history, query.filters);
  const end = p.end;
  const cohorts = new Map<string, { customers: number; repeaters: number; tooRecent: number }>();
  const secondDays: number[] = [];
  const gaps: number[] = [];
  const orderCounts: number[] = [];
  if (end === null)
    return { overall: { customers: 0, repeaters: 0, tooRecent: 0 }, cohorts, secondDays, gaps, orderCounts };
  for (const c of p.members) {
    const label = groupLabel(p, c, query.period, query.by ?? 'period', end);
    const entry = cohorts.get(label) ?? { customers: 0, repeaters: 0, tooRecent: 0 };
    cohorts.set(label, entry);
    const orders = c.orders.filter((o) => o.day <= end);
    const second = orders[1];
    if (query.withinDays !== undefined && c.first.day + query.withinDays > end) {
      entry.tooRecent++;
    } else {
      entry.customers++;
      if (second && (query.withinDays === undefined || second.day - c.first.day <= query.withinDays))
        entry.repeaters++;
    }
    if (second) secondDays.push(second.day - c.first.day);
    for (let i = 1; i < orders.length; i++) gaps.push((orders[i]?.day ?? 0) - (orders[i - 1]?.day ?? 0));
    orderCounts.push(orders.length);
  }
  const overall = [...cohorts.values()].reduce(
    (s, e) => ({
      customers: s.customers + e.customers,
      repeaters: s.repeaters + e.repeaters,
      tooRecent: s.tooRecent + e.tooRecent,
    }),
    { customers: 0, repeaters: 0, tooRecent: 0 },
  );
  return { overall, cohorts, secondDays, gaps, orderCounts };
}

/** KPI values (not previous/delta) as of `asOf`, straight from their definitions. */
export function naiveKpis(
  history: History,
  filters: AnalyticsFilters,
  asOf: string,
): Record<string, number | null> {
  const p = population(history, { ...filters, to: asOf });
  const d = dayOf(asOf);
  if (p.end === null || p.firstDay === null) return {};
  const firstDay = p.firstDay;
  const inWindow = (day: number, from: number, to: number) => day > d - from && day <= d - to;
  const observed = (lookback: number) => d - lookback + 1 >= firstDay;
  const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
  const members = p.members;
  const ids = new Set(members.map((c) => c.id));
  const orders = members.flatMap((c) => c.orders.filter((o) => o.day <= d));
  const activeIn = (c: Customer, from: number, to: number) =>
    c.orders.some((o) => o.day <= d && inWindow(o.day, from, to));
  const returns = history.returns.filter((r) => ids.has(r.customerId) && dayOf(r.returnedAt) <= d);
  const complaints = history.complaints.filter((x) => ids.has(x.customerId) && dayOf(x.openedAt) <= d);
  const revenue = orders.filter((o) => inWindow(o.day, 90, 0)).reduce((s, o) => s + o.value, 0);
  const returned = returns
    .filter((r) => inWindow(dayOf(r.returnedAt), 90, 0))
    .reduce((s, r) => s + r.amount, 0);
  const newIn = (from: number, to: number) => members.filter((c) => inWindow(c.first.day, from, to));
  const acquired = newIn(180, 90);
  const base = members.filter((c) => activeIn(c, 180, 90));
  const resolution = complaints
    .filter((x) => x.resolvedAt !== null && inWindow(dayOf(x.resolvedAt), 90, 0))
    .map((x) => (Date.parse(`${x.resolvedAt}Z`) - Date.parse(`${x.openedAt}Z`)) / DAY_MS)
    .sort((a, b) => a - b);
  const net = (c: Customer, from: number, to: number) =>
    c.orders.filter((o) => o.day <= d && inWindow(o.day, from, to)).reduce((s, o) => s + o.value, 0) -
    returns
      .filter((r) => r.customerId === c.id && inWindow(dayOf(r.returnedAt), from, to))
      .reduce((s, r) => s + r.amount, 0);
  const nrrBase = members.filter((c) => activeIn(c, 730, 365));
  const n = resolution.length;
  const median =
    n === 0
      ? null
      : ((resolution[Math.floor((n - 1) / 2)] ?? 0) + (resolution[Math.ceil((n - 1) / 2)] ?? 0)) / 2;
  return {
    activeCustomers: observed(90) ? members.filter((c) => activeIn(c, 90, 0)).length : null,
    newCustomers: observed(90) ? newIn(90, 0).length : null,
    repeatRate90d: observed(180)
      ? ratio(
          acquired.filter((c) => c.orders[1] && c.orders[1].day - c.first.day <= 90).length,
          acquired.length,
        )
      : null,
    churnRate: observed(180) ? ratio(base.filter((c) => !activeIn(c, 90, 0)).length, base.length) : null,
    revenue: observed(90) ? revenue : null,
    netRevenueRetention12m: observed(730)
      ? ratio(
          nrrBase.reduce((s, c) => s + net(c, 365, 0), 0),
          nrrBase.reduce((s, c) => s + net(c, 730, 365), 0),
        )
      : null,
    complaintRate: observed(90)
      ? ratio(
          complaints.filter((x) => inWindow(dayOf(x.openedAt), 90, 0)).length,
          orders.filter((o) => inWindow(o.day, 90, 0)).length,
        )
      : null,
    medianResolutionDays: observed(90) ? median : null,
    returnRate: observed(90) ? ratio(returned, revenue) : null,
  };
}
