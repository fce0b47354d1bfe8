import { type CustomerSlice, cohortTrend, scopeKpis, scopeMonth1 } from '@retain/analytics';
import { scoresInForce } from '@retain/churn';
import {
  type AlertMetric,
  type AnalyticsFilters,
  type Kpis,
  kpisInputSchema,
  type Trend,
  trendInputSchema,
} from '@retain/schemas';
import type { Warehouse } from '@retain/warehouse';
import type { Figure } from './evaluateRule.ts';

/** The channel and region a rule is filtered to (both optional). */
export interface FigureScope {
  channel: string | null;
  region: string | null;
}

export function scopeFilters(scope: FigureScope): AnalyticsFilters {
  return {
    ...(scope.channel ? { channel: [scope.channel] } : {}),
    ...(scope.region ? { region: [scope.region] } : {}),
  };
}

/**
 * Month-1 retention of the latest complete monthly cohort, as the overview shows it: of the
 * customers whose first order was in the newest month M whose next month has ended, the share who
 * ordered in month M + 1; "previous" is the mean of the same share over the (up to) six cohorts
 * before it, the usual level a change is judged against.
 */
export async function cohortMonth1(warehouse: Warehouse, filters: AnalyticsFilters): Promise<Figure> {
  const trend = await cohortTrend(warehouse, trendInputSchema.parse({ age: 1, period: 'month', filters }));
  return month1Figure(trend.latest);
}

function month1Figure(latest: Trend['latest']): Figure {
  const before = latest?.previousCohorts ?? [];
  return {
    current: latest?.value ?? null,
    previous: latest?.previousMean ?? null,
    period: latest?.cohort ?? null,
    comparison:
      before.length === 0
        ? null
        : before.length === 1
          ? `against cohort ${before[0]}`
          : `against the mean of cohorts ${before[0]} to ${before.at(-1)}`,
  };
}

/** What one scope's figures are read from: the KPIs, and month-1 retention when a rule needs it. */
export interface ScopeFigures {
  kpis: Kpis;
  cohortMonth1: Figure | null;
}

export function figureOf(metric: AlertMetric, figures: ScopeFigures): Figure {
  if (metric === 'cohortMonth1') {
    return figures.cohortMonth1 ?? { current: null, previous: null, period: null, comparison: null };
  }
  const kpi = figures.kpis.kpis[metric];
  return {
    current: kpi.value,
    previous: kpi.previous,
    period: figures.kpis.asOf,
    comparison:
      kpi.previous === null || !figures.kpis.previousAsOf ? null : `since ${figures.kpis.previousAsOf}`,
  };
}

const scopeKey = (s: FigureScope) => JSON.stringify([s.channel, s.region]);

const sliceOf = (scope: FigureScope): CustomerSlice => ({
  ...(scope.channel ? { channel: [scope.channel] } : {}),
  ...(scope.region ? { region: [scope.region] } : {}),
});

/**
 * Reads the figures every rule needs for all their channel-and-region scopes at once: one
 * statement for the KPIs' order and return sums of every scope, one for complaints, one for
 * at-risk revenue, and one for month-1 retention if any rule watches it; each scope's figures are
 * exactly what `retentionKpis` and `cohortTrend` give for its filters (the overview's, the CLI's).
 */
export async function readScopeFigures(
  warehouse: Warehouse,
  rules: ReadonlyArray<FigureScope & { metric: AlertMetric }>,
): Promise<(scope: FigureScope) => ScopeFigures> {
  const scopes = new Map<string, FigureScope>();
  for (const rule of rules) scopes.set(scopeKey(rule), { channel: rule.channel, region: rule.region });
  const keys = [...scopes.keys()];
  const slices = [...scopes.values()].map(sliceOf);
  const kpis = await scopeKpis(warehouse, kpisInputSchema.parse({}), slices, scoresInForce);
  const month1 = rules.some((rule) => rule.metric === 'cohortMonth1')
    ? await scopeMonth1(warehouse, {}, slices)
    : null;
  const read = new Map<string, ScopeFigures>();
  keys.forEach((key, i) => {
    const scopeKpis = kpis[i];
    if (!scopeKpis) throw new Error('a scope was not read');
    read.set(key, { kpis: scopeKpis, cohortMonth1: month1 ? month1Figure(month1[i] ?? null) : null });
  });
  return (scope) => {
    const figures = read.get(scopeKey(scope));
    if (!figures) throw new Error('a scope was not read');
    return figures;
  };
}
