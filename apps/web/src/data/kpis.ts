import type { RouterOutputs } from '@retain/api';
import { formatDecimal, formatInteger, formatMoney, formatPercent, formatPoints } from '../format.ts';

export type Kpis = RouterOutputs['overview']['kpis'];
export type KpiName = keyof Kpis['kpis'];
export type Kpi = Kpis['kpis'][KpiName];

type Kind = 'count' | 'share' | 'money' | 'days';

export interface KpiDefinition {
  name: KpiName;
  label: string;
  kind: Kind;
  /** Which way is good news: churn going down is better, revenue going up is better. */
  better: 'higher' | 'lower';
  help: string;
  /** False where earlier values mean nothing (at-risk revenue reads only the latest scores). */
  history?: boolean;
}

/** The tiles of the overview, in reading order. */
export const KPI_DEFINITIONS: readonly KpiDefinition[] = [
  {
    name: 'activeCustomers',
    label: 'Active customers',
    kind: 'count',
    better: 'higher',
    help: 'Customers with an order in the last 90 days',
  },
  {
    name: 'churnRate',
    label: 'Churn rate',
    kind: 'share',
    better: 'lower',
    help: 'Of customers active in the 90 days before, the share with no order in the last 90',
  },
  {
    name: 'repeatRate90d',
    label: 'Repeat purchase (90 d)',
    kind: 'share',
    better: 'higher',
    help: 'Of customers acquired 180–90 days ago, the share with a second order within 90 days',
  },
  {
    name: 'revenue',
    label: 'Revenue (90 d)',
    kind: 'money',
    better: 'higher',
    help: 'Order value in the last 90 days',
  },
  {
    name: 'newCustomers',
    label: 'New customers',
    kind: 'count',
    better: 'higher',
    help: 'Customers whose first order was in the last 90 days',
  },
  {
    name: 'netRevenueRetention12m',
    label: 'Net revenue retention',
    kind: 'share',
    better: 'higher',
    help: 'Last 12 months’ net revenue of the customers who bought in the 12 before, over theirs then',
  },
  {
    name: 'complaintRate',
    label: 'Complaints per order',
    kind: 'share',
    better: 'lower',
    help: 'Complaints opened in the last 90 days per order in the same window',
  },
  {
    name: 'returnRate',
    label: 'Return rate',
    kind: 'share',
    better: 'lower',
    help: 'Returned value over order value, last 90 days',
  },
  {
    name: 'medianResolutionDays',
    label: 'Median resolution',
    kind: 'days',
    better: 'lower',
    help: 'Median days to resolve the complaints resolved in the last 90 days',
  },
  {
    name: 'atRiskRevenue',
    label: 'At-risk revenue',
    kind: 'money',
    better: 'lower',
    help: 'Value at risk summed over the churn model’s latest scores',
    history: false,
  },
];

export function kpiDefinition(name: KpiName): KpiDefinition {
  const found = KPI_DEFINITIONS.find((d) => d.name === name);
  if (!found) throw new Error(`unknown KPI ${name}`);
  return found;
}

export function formatKpiValue(kind: Kind, value: number | null): string {
  if (value === null) return '—';
  switch (kind) {
    case 'count':
      return formatInteger(value);
    case 'share':
      return formatPercent(value);
    case 'money':
      return formatMoney(value);
    case 'days':
      return `${formatDecimal(value)} d`;
  }
}

export type Verdict = 'better' | 'worse' | 'flat';

export interface KpiChange {
  arrow: '▲' | '▼' | '■';
  verdict: Verdict;
  /** "+2.1 pp", "+1,204 (+3.4%)", "−0.5 d". */
  text: string;
}

/**
 * How a KPI moved, judged by its good direction: a fall in churn is green and "better", a fall in
 * revenue red and "worse". Changes too small to matter (under 0.05 pp for shares, 0.5 % relative
 * otherwise) are "flat", so noise is not dressed up as news.
 */
export function kpiChange(definition: KpiDefinition, kpi: Kpi): KpiChange | null {
  const { value, previous, delta } = kpi;
  if (value === null || previous === null || delta === null) return null;
  const relative = previous === 0 ? (delta === 0 ? 0 : Number.POSITIVE_INFINITY) : delta / Math.abs(previous);
  const flat = definition.kind === 'share' ? Math.abs(delta) < 0.0005 : Math.abs(relative) < 0.005;
  const arrow = flat ? '■' : delta > 0 ? '▲' : '▼';
  const verdict: Verdict = flat
    ? 'flat'
    : delta > 0 === (definition.better === 'higher')
      ? 'better'
      : 'worse';
  let text: string;
  if (definition.kind === 'share') text = formatPoints(delta);
  else if (definition.kind === 'days')
    text = `${delta > 0 ? '+' : delta < 0 ? '−' : ''}${formatDecimal(Math.abs(delta))} d`;
  else {
    const sign = delta > 0 ? '+' : delta < 0 ? '−' : '';
    const amount =
      definition.kind === 'money' ? formatMoney(Math.abs(delta)) : formatInteger(Math.abs(delta));
    text = Number.isFinite(relative)
      ? `${sign}${amount} (${sign}${formatPercent(Math.abs(relative))})`
      : `${sign}${amount}`;
  }
  return { arrow, verdict, text };
}

/** Each KPI's values over a series of `overview.kpis` results (oldest first), nulls kept as gaps. */
export function kpiTrend(points: readonly (Kpis | undefined)[], name: KpiName): (number | null)[] {
  return points.map((p) => p?.kpis[name].value ?? null);
}

/** The days a KPI history is taken at: `count` days `stepDays` apart, ending at `end` (oldest first). */
export function trendDays(end: string, count: number, stepDays: number): string[] {
  const last = Date.parse(`${end}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) =>
    new Date(last - (count - 1 - i) * stepDays * 86_400_000).toISOString().slice(0, 10),
  );
}

/** Keeps only the days on or after the data's first day plus the KPI window, so no point is empty. */
export function usableTrendDays(
  days: readonly string[],
  dataStart: string | null,
  lookbackDays: number,
): string[] {
  if (!dataStart) return [...days];
  const earliest = Date.parse(`${dataStart}T00:00:00Z`) + lookbackDays * 86_400_000;
  return days.filter((d) => Date.parse(`${d}T00:00:00Z`) >= earliest);
}

const onePlace = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

function pp(delta: number): string {
  return `${onePlace.format(Math.abs(delta) * 100)} points`;
}

/**
 * One sentence an executive can read aloud: whether retention is improving (churn and repeat
 * purchase against 90 days earlier), by how much, and what revenue is at risk.
 */
export function overviewSummary(k: Kpis): string {
  const churn = k.kpis.churnRate;
  const repeat = k.kpis.repeatRate90d;
  const atRisk = k.kpis.atRiskRevenue.value;
  const when = k.previousAsOf ? ' from 90 days earlier' : '';
  const churnVerdict = kpiChange(kpiDefinition('churnRate'), churn)?.verdict ?? 'flat';
  const repeatVerdict = kpiChange(kpiDefinition('repeatRate90d'), repeat)?.verdict ?? 'flat';
  const score = (v: Verdict) => (v === 'better' ? 1 : v === 'worse' ? -1 : 0);
  const total = score(churnVerdict) + score(repeatVerdict);
  const headline =
    churn.value === null && repeat.value === null
      ? 'There is not enough history yet to judge retention'
      : total > 0
        ? 'Retention is improving'
        : total < 0
          ? 'Retention is getting worse'
          : churnVerdict === 'flat' && repeatVerdict === 'flat'
            ? 'Retention is holding steady'
            : 'Retention is mixed';
  const parts: string[] = [];
  if (churn.value !== null) {
    const moved =
      churn.delta === null || churnVerdict === 'flat'
        ? `churn is ${formatPercent(churn.value)}`
        : `churn ${churn.delta < 0 ? 'fell' : 'rose'} ${pp(churn.delta)} to ${formatPercent(churn.value)}`;
    parts.push(moved);
  }
  if (repeat.value !== null) {
    const moved =
      repeat.delta === null || repeatVerdict === 'flat'
        ? `${formatPercent(repeat.value)} of new customers buy again within 90 days`
        : `${formatPercent(repeat.value)} of new customers buy again within 90 days (${repeat.delta > 0 ? 'up' : 'down'} ${pp(repeat.delta)}${when})`;
    parts.push(moved);
  }
  let sentence = headline;
  if (parts.length > 0) sentence += `: ${parts.join(' and ')}`;
  if (atRisk !== null && atRisk > 0) sentence += `; ${formatMoney(atRisk)} in customer value is at risk`;
  return `${sentence}.`;
}
