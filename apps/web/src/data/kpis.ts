import type { RouterOutputs } from '@retain/api';
import { allCohortRepeatLabel, KPI_LABELS, type MonthOneRetention, retentionSummary } from '@retain/schemas';
import {
  formatDay,
  formatDecimal,
  formatInteger,
  formatMoney,
  formatPercent,
  formatPoints,
} from '../format.ts';

export type Kpis = RouterOutputs['overview']['kpis'];
export type KpiName = keyof Kpis['kpis'];
export type Kpi = Kpis['kpis'][KpiName];

type Kind = 'count' | 'share' | 'money' | 'days';

export interface KpiDefinition {
  name: KpiName;
  /** The figure's name, the same on every page and in the command line (KPI_LABELS). */
  label: string;
  kind: Kind;
  /** Which way is good news: churn going down is better, revenue going up is better. */
  better: 'higher' | 'lower';
  /** One short line under the value: who or what the figure is over, as of its date. */
  population: (k: Kpis) => string;
  /** The whole definition, with its dates, for the tooltip. */
  definition: (k: Kpis) => string;
  /** False where earlier values mean nothing (at-risk revenue reads only the scores in force). */
  history?: boolean;
}

const DAY = 86_400_000;
const dayRange = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
const utc = (iso: string) => new Date(`${iso.slice(0, 10)}T00:00:00Z`);

/** "Apr 4 – Jul 2, 2026": two days, inclusive, written as the reader's locale writes a range. */
export function formatDayRange(from: string, to: string): string {
  return dayRange.formatRange(utc(from), utc(to));
}

/** The day `days` before an ISO day. */
export function dayBefore(iso: string, days: number): string {
  return new Date(utc(iso).getTime() - days * DAY).toISOString().slice(0, 10);
}

/** The 90 days to the as-of date, inclusive: (asOf − 90, asOf]. */
function lastWindow(k: Kpis): string {
  return k.asOf ? formatDayRange(dayBefore(k.asOf, k.windowDays - 1), k.asOf) : '—';
}

const asOfDay = (k: Kpis) => formatDay(k.asOf);

/** The scores at-risk revenue is summed over, or why there are none. */
export function atRiskScoresText(k: Kpis): string {
  if (k.atRiskScores) return `churn scores of ${formatDay(k.atRiskScores.asOf)}`;
  return k.modelHasScored ? 'no scores for that date' : 'no model yet';
}

/** The tiles of the overview, in reading order. */
export const KPI_DEFINITIONS: readonly KpiDefinition[] = [
  {
    name: 'activeCustomers',
    label: KPI_LABELS.activeCustomers,
    kind: 'count',
    better: 'higher',
    population: (k) => `ordered ${lastWindow(k)}`,
    definition: (k) =>
      `Customers with at least one order in the 90 days to ${asOfDay(k)} (${lastWindow(k)}).`,
  },
  {
    name: 'churnRate',
    label: KPI_LABELS.churnRate,
    kind: 'share',
    better: 'lower',
    population: (k) => {
      const p = k.populations.churnRate;
      return p
        ? `of ${formatInteger(p.customers)} active ${formatDayRange(p.from, p.to)}`
        : 'needs 180 days of data';
    },
    definition: (k) => {
      const p = k.populations.churnRate;
      const who = p
        ? `the ${formatInteger(p.customers)} customers with an order in ${formatDayRange(p.from, p.to)}`
        : 'the customers with an order in the 90 days before the last 90';
      return (
        `Of ${who}, the share with no order in the 90 days to ${asOfDay(k)}. ` +
        'Only recently active customers count: not the Model page’s share, which is over every customer ever seen.'
      );
    },
  },
  {
    name: 'repeatRate90d',
    label: KPI_LABELS.repeatRate90d,
    kind: 'share',
    better: 'higher',
    population: (k) => {
      const p = k.populations.repeatRate90d;
      return p
        ? `of ${formatInteger(p.customers)} acquired ${formatDayRange(p.from, p.to)}`
        : 'needs 180 days of data';
    },
    definition: (k) => {
      const p = k.populations.repeatRate90d;
      const who = p
        ? `the ${formatInteger(p.customers)} customers whose first order was in ${formatDayRange(p.from, p.to)}`
        : 'the customers acquired 180 to 90 days before the as-of date';
      return (
        `Of ${who}, the share who ordered again within 90 days of their first order. One quarter’s new ` +
        `customers: the Repeat page’s ${allCohortRepeatLabel(90)} pools every cohort.`
      );
    },
  },
  {
    name: 'revenue',
    label: KPI_LABELS.revenue,
    kind: 'money',
    better: 'higher',
    population: (k) => `orders ${lastWindow(k)}`,
    definition: (k) => `Value of the orders placed in the 90 days to ${asOfDay(k)}, before returns.`,
  },
  {
    name: 'newCustomers',
    label: KPI_LABELS.newCustomers,
    kind: 'count',
    better: 'higher',
    population: (k) => `first order ${lastWindow(k)}`,
    definition: (k) => `Customers whose first order was in the 90 days to ${asOfDay(k)} (${lastWindow(k)}).`,
  },
  {
    name: 'netRevenueRetention12m',
    label: KPI_LABELS.netRevenueRetention12m,
    kind: 'share',
    better: 'higher',
    population: (k) => {
      const p = k.populations.netRevenueRetention12m;
      return p
        ? `of ${formatInteger(p.customers)} buyers of ${formatDayRange(p.from, p.to)}`
        : 'needs two years of data';
    },
    definition: (k) => {
      const p = k.populations.netRevenueRetention12m;
      const who = p
        ? `the ${formatInteger(p.customers)} customers who bought in ${formatDayRange(p.from, p.to)}`
        : 'the customers who bought in the year before the last';
      return `Net revenue (orders less returns) of ${who} in the 12 months to ${asOfDay(k)}, over theirs in that earlier year.`;
    },
  },
  {
    name: 'complaintRate',
    label: KPI_LABELS.complaintRate,
    kind: 'share',
    better: 'lower',
    population: (k) => lastWindow(k),
    definition: (k) =>
      `Complaints opened in the 90 days to ${asOfDay(k)}, per order placed in the same days.`,
  },
  {
    name: 'returnRate',
    label: KPI_LABELS.returnRate,
    kind: 'share',
    better: 'lower',
    population: (k) => lastWindow(k),
    definition: (k) =>
      `Value returned in the 90 days to ${asOfDay(k)}, over the value ordered in the same days.`,
  },
  {
    name: 'medianResolutionDays',
    label: KPI_LABELS.medianResolutionDays,
    kind: 'days',
    better: 'lower',
    population: (k) => `complaints resolved ${lastWindow(k)}`,
    definition: (k) =>
      `Median days from opening to resolution of the complaints resolved in the 90 days to ${asOfDay(k)}.`,
  },
  {
    name: 'atRiskRevenue',
    label: KPI_LABELS.atRiskRevenue,
    kind: 'money',
    better: 'lower',
    population: atRiskScoresText,
    definition: (k) =>
      k.atRiskScores
        ? `Value at risk (churn probability × expected revenue of the next 12 months) summed over the churn ` +
          `scores of ${formatDay(k.atRiskScores.asOf)}, by the model trained on data to ` +
          `${formatDay(k.atRiskScores.trainedAsOf)}: the scores in force on ${asOfDay(k)}.`
        : `Value at risk summed over the churn scores in force on ${asOfDay(k)}: those of the newest model ` +
          'trained on data up to that day, made by then and within their horizon. There were none.',
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

/**
 * One sentence an executive can read aloud: whether retention is improving (churn and repeat
 * purchase against 90 days earlier), by how much, and what revenue is at risk. The executive
 * report writes the same sentence (retentionSummary).
 */
export function overviewSummary(k: Kpis, monthOne?: MonthOneRetention | null): string {
  return retentionSummary(
    k,
    {
      percent: (v) => formatPercent(v),
      money: (v) => formatMoney(v),
      points: (v) => onePlace.format(v),
    },
    monthOne,
  );
}
