import type { Kpi, KpiPopulation, Kpis, KpisQuery } from '@retain/schemas';
import { type Db, ParameterError, type Sql, type Warehouse } from '@retain/warehouse';
import type { RollupState } from './analyticsRollup.ts';
import { type AnalyticsScope, analyticsScope, withClause } from './analyticsScope.ts';
import { dayIndex, isoDay } from './periods.ts';
import { readAnalytics } from './readAnalytics.ts';
import { type ResultRow, readRows, sqlQuery } from './sqlQuery.ts';

/*
 * Executive KPIs as of a day D. Every window is a run of whole days ending on a day, (D − 90, D]
 * for "the last 90 days"; "previous" is the same KPI as of D − 90. A KPI whose windows reach back
 * before the data's first day would be computed on a partial window and is null instead.
 */

export const KPI_WINDOW_DAYS = 90;

/** Days each KPI looks back (its earliest window starts this many days before D, exclusive). */
const LOOKBACK = {
  activeCustomers: 90,
  newCustomers: 90,
  repeatRate90d: 180,
  churnRate: 180,
  revenue: 90,
  netRevenueRetention12m: 730,
  complaintRate: 90,
  medianResolutionDays: 90,
  returnRate: 90,
} as const;

/**
 * Per-customer window facts, then sums. Windows: w0 = (D−90, D], w1 = (D−180, D−90],
 * w2 = (D−270, D−180]; years y0 = (D−365, D], y1 = (D−730, D−365] and the same as of D−90
 * (p0 = (D−455, D−90], p1 = (D−820, D−455]) for the previous NRR.
 */
export function kpiQueries(scope: AnalyticsScope): { orders: Sql; complaints: Sql } {
  const within = (column: string, from: number, to: number) =>
    `${column} > $asOf::DATE - ${from} AND ${column} <= $asOf::DATE - ${to}`;
  const orders = sqlQuery(
    `${withClause([
      ...scope.ctes,
      `per AS (
         SELECT o.cust, min(o.first_day) AS first_day,
                min(o.day) FILTER (WHERE o.seq = 2) AS second_day,
                count(*) FILTER (WHERE ${within('o.day', 90, 0)}) AS n0,
                count(*) FILTER (WHERE ${within('o.day', 180, 90)}) AS n1,
                count(*) FILTER (WHERE ${within('o.day', 270, 180)}) AS n2,
                sum(o.value) FILTER (WHERE ${within('o.day', 90, 0)}) AS v0,
                sum(o.value) FILTER (WHERE ${within('o.day', 180, 90)}) AS v1,
                count(*) FILTER (WHERE ${within('o.day', 730, 365)}) AS ny1,
                count(*) FILTER (WHERE ${within('o.day', 820, 455)}) AS np1,
                coalesce(sum(o.value) FILTER (WHERE ${within('o.day', 365, 0)}), 0) AS vy0,
                coalesce(sum(o.value) FILTER (WHERE ${within('o.day', 730, 365)}), 0) AS vy1,
                coalesce(sum(o.value) FILTER (WHERE ${within('o.day', 455, 90)}), 0) AS vp0,
                coalesce(sum(o.value) FILTER (WHERE ${within('o.day', 820, 455)}), 0) AS vp1
         FROM analytics_orders o ${scope.joins('o')}
         WHERE o.day <= $asOf::DATE AND ${scope.where('o')}
         GROUP BY o.cust)`,
      `ret AS (
         SELECT r.cust,
                sum(r.amount) FILTER (WHERE ${within('r.day', 90, 0)}) AS r0,
                sum(r.amount) FILTER (WHERE ${within('r.day', 180, 90)}) AS r1,
                coalesce(sum(r.amount) FILTER (WHERE ${within('r.day', 365, 0)}), 0) AS ry0,
                coalesce(sum(r.amount) FILTER (WHERE ${within('r.day', 730, 365)}), 0) AS ry1,
                coalesce(sum(r.amount) FILTER (WHERE ${within('r.day', 455, 90)}), 0) AS rp0,
                coalesce(sum(r.amount) FILTER (WHERE ${within('r.day', 820, 455)}), 0) AS rp1
         FROM analytics_returns r ${scope.joins('r')}
         WHERE r.day <= $asOf::DATE AND ${scope.where('r')}
         GROUP BY r.cust)`,
    ])}
     SELECT count(*) FILTER (WHERE n0 > 0)::INTEGER AS active0,
            count(*) FILTER (WHERE n1 > 0)::INTEGER AS active1,
            count(*) FILTER (WHERE n2 > 0)::INTEGER AS active2,
            count(*) FILTER (WHERE n1 > 0 AND n0 = 0)::INTEGER AS churned0,
            count(*) FILTER (WHERE n2 > 0 AND n1 = 0)::INTEGER AS churned1,
            count(*) FILTER (WHERE ${within('first_day', 90, 0)})::INTEGER AS new0,
            count(*) FILTER (WHERE ${within('first_day', 180, 90)})::INTEGER AS new1,
            count(*) FILTER (WHERE ${within('first_day', 270, 180)})::INTEGER AS new2,
            count(*) FILTER (WHERE ${within('first_day', 180, 90)} AND second_day - first_day <= 90)::INTEGER AS repeat0,
            count(*) FILTER (WHERE ${within('first_day', 270, 180)} AND second_day - first_day <= 90)::INTEGER AS repeat1,
            coalesce(sum(n0), 0)::DOUBLE AS orders0, coalesce(sum(n1), 0)::DOUBLE AS orders1,
            coalesce(sum(v0), 0)::DOUBLE AS revenue0, coalesce(sum(v1), 0)::DOUBLE AS revenue1,
            (SELECT coalesce(sum(r0), 0) FROM ret)::DOUBLE AS returned0,
            (SELECT coalesce(sum(r1), 0) FROM ret)::DOUBLE AS returned1,
            coalesce(sum(vy0 - coalesce(ry0, 0)) FILTER (WHERE ny1 > 0), 0)::DOUBLE AS nrr_num0,
            coalesce(sum(vy1 - coalesce(ry1, 0)) FILTER (WHERE ny1 > 0), 0)::DOUBLE AS nrr_den0,
            coalesce(sum(vp0 - coalesce(rp0, 0)) FILTER (WHERE np1 > 0), 0)::DOUBLE AS nrr_num1,
            coalesce(sum(vp1 - coalesce(rp1, 0)) FILTER (WHERE np1 > 0), 0)::DOUBLE AS nrr_den1,
            count(*) FILTER (WHERE ny1 > 0)::INTEGER AS nrr_customers0
     FROM per LEFT JOIN ret USING (cust)`,
    scope.params,
  );
  const complaints = sqlQuery(
    `${withClause(scope.ctes)}
     SELECT count(*) FILTER (WHERE ${within('x.opened_day', 90, 0)})::INTEGER AS complaints0,
            count(*) FILTER (WHERE ${within('x.opened_day', 180, 90)})::INTEGER AS complaints1,
            quantile_cont(x.resolution_days, 0.5) FILTER (WHERE ${within('x.resolved_day', 90, 0)}) AS resolution0,
            quantile_cont(x.resolution_days, 0.5) FILTER (WHERE ${within('x.resolved_day', 180, 90)}) AS resolution1
     FROM analytics_complaints x ${scope.joins('x')}
     WHERE x.opened_day <= $asOf::DATE AND ${scope.where('x')}`,
    scope.params,
  );
  return { orders, complaints };
}

/** A churn score run: the model that scored customers and the day it scored them at. */
export interface ScoresRunRef {
  modelId: string;
  asOf: string;
  trainedAsOf: string;
  horizonDays: number;
}

/**
 * Which churn scores were in force on a day, read in the KPIs' own snapshot. The churn model owns
 * that rule (@retain/churn's `scoresInForce`); the caller passes it in, so that analytics does not
 * depend on the model.
 */
export type ScoresAt = (conn: Db, day: string) => Promise<{ run: ScoresRunRef | null; anyScores: boolean }>;

/**
 * Sum of value_at_risk over one score run, for the customers in scope (0 when none of them was
 * scored by it).
 */
export function atRiskQuery(scope: AnalyticsScope, run: ScoresRunRef): Sql {
  return sqlQuery(
    `${withClause(scope.ctes)}
     SELECT coalesce(sum(s.value_at_risk), 0)::DOUBLE AS at_risk
     FROM scores s JOIN analytics_customers c ON c.customer_id = s.customer_id ${scope.joins('c')}
     WHERE s.model_id = $scoresModel AND s.as_of = $scoresAsOf::DATE AND ${scope.where('c')}`,
    { ...scope.params, scoresModel: run.modelId, scoresAsOf: run.asOf },
  );
}

export interface KpisPlan {
  state: RollupState;
  /** Day indices; null without orders. */
  asOf: number | null;
  dataEnd: number | null;
  orders: Sql | null;
  complaints: Sql | null;
  /** The at-risk sum over the score run in force at asOf, once that run is known. */
  atRisk: ((run: ScoresRunRef) => Sql) | null;
}

/** The statements behind `retentionKpis`; exported so that the benchmark can time them bare. */
export function kpisPlan(state: RollupState, query: KpisQuery): KpisPlan {
  const dataEnd = analyticsScope(state, query.filters, 'period').endDay;
  if (dataEnd === null || state.firstDay === null) {
    return {
      state,
      asOf: null,
      dataEnd,
      orders: null,
      complaints: null,
      atRisk: null,
    };
  }
  const asOf = query.asOf === undefined ? dataEnd : dayIndex(query.asOf);
  if (asOf > dataEnd) {
    throw new ParameterError({
      code: 'afterDataEnd',
      field: 'asOf',
      value: query.asOf ?? isoDay(asOf),
      params: { dataEnd: isoDay(dataEnd) },
      explanation: `${query.filters.to ? 'the date filter ends the data there; ' : ''}KPIs of days not yet loaded would read as a collapse.`,
    });
  }
  // The scope ends at asOf: complaints and returns after it do not exist yet either.
  const base = analyticsScope(state, { ...query.filters, to: isoDay(asOf) }, 'period');
  const scope = { ...base, params: { ...base.params, asOf: isoDay(asOf) } };
  const { orders, complaints } = kpiQueries(scope);
  return { state, asOf, dataEnd, orders, complaints, atRisk: (run) => atRiskQuery(scope, run) };
}

/**
 * The KPIs as of a day. At-risk revenue needs `scoresAt`, the rule for which churn scores were in
 * force on a day; without it the figure is null.
 */
export async function retentionKpis(
  warehouse: Warehouse,
  query: KpisQuery,
  scoresAt?: ScoresAt,
): Promise<Kpis> {
  return readAnalytics(warehouse, (conn, state) => kpisFromSnapshot(conn, kpisPlan(state, query), scoresAt));
}

async function kpisFromSnapshot(conn: Db, plan: KpisPlan, scoresAt?: ScoresAt): Promise<Kpis> {
  const { state, asOf } = plan;
  const dataStart = state.firstDay === null ? null : isoDay(state.firstDay);
  const dataEnd = plan.dataEnd === null ? null : isoDay(plan.dataEnd);
  const firstDay = state.firstDay;
  if (asOf === null || firstDay === null || !plan.orders || !plan.complaints) {
    return {
      asOf: null,
      previousAsOf: null,
      windowDays: KPI_WINDOW_DAYS,
      dataStart,
      dataEnd,
      kpis: emptyKpis(),
      populations: { churnRate: null, repeatRate90d: null, netRevenueRetention12m: null },
      atRiskScores: null,
      modelHasScored: false,
    };
  }
  const [orders] = await readRows(conn, plan.orders);
  const [complaints] = await readRows(conn, plan.complaints);
  if (!orders || !complaints) throw new Error('the KPI queries returned no row');

  let atRisk: number | null = null;
  const scores = scoresAt ? await scoresAt(conn, isoDay(asOf)) : { run: null, anyScores: false };
  if (scores.run && plan.atRisk) {
    const [row] = await readRows(conn, plan.atRisk(scores.run));
    atRisk = row?.nullableNumber('at_risk') ?? null;
  }

  /** KPI value as of D (previous = false) or D − 90, null where its windows are not fully observed. */
  const figure = (lookback: number, previous: boolean, value: () => number | null) =>
    asOf - (previous ? KPI_WINDOW_DAYS : 0) - lookback + 1 < firstDay ? null : value();
  const kpi = (name: keyof typeof LOOKBACK, value: (row: ResultRow, j: 0 | 1) => number | null): Kpi => {
    const now = figure(LOOKBACK[name], false, () => value(orders, 0));
    const before = figure(LOOKBACK[name], true, () => value(orders, 1));
    return { value: now, previous: before, delta: now === null || before === null ? null : now - before };
  };
  const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
  const n = (row: ResultRow, column: string) => row.number(column);
  /** The customers behind a share: those with the defining event in (asOf − from, asOf − to]. */
  const population = (
    name: keyof typeof LOOKBACK,
    from: number,
    to: number,
    customers: string,
  ): KpiPopulation | null =>
    figure(LOOKBACK[name], false, () => 0) === null
      ? null
      : { from: isoDay(asOf - from + 1), to: isoDay(asOf - to), customers: n(orders, customers) };

  return {
    asOf: isoDay(asOf),
    previousAsOf: isoDay(asOf - KPI_WINDOW_DAYS),
    windowDays: KPI_WINDOW_DAYS,
    dataStart,
    dataEnd,
    kpis: {
      activeCustomers: kpi('activeCustomers', (r, j) => n(r, `active${j}`)),
      newCustomers: kpi('newCustomers', (r, j) => n(r, `new${j}`)),
      repeatRate90d: kpi('repeatRate90d', (r, j) => ratio(n(r, `repeat${j}`), n(r, `new${j + 1}`))),
      churnRate: kpi('churnRate', (r, j) => ratio(n(r, `churned${j}`), n(r, `active${j + 1}`))),
      revenue: kpi('revenue', (r, j) => n(r, `revenue${j}`)),
      netRevenueRetention12m: kpi('netRevenueRetention12m', (r, j) =>
        ratio(n(r, `nrr_num${j}`), n(r, `nrr_den${j}`)),
      ),
      complaintRate: kpi('complaintRate', (r, j) =>
        ratio(n(complaints, `complaints${j}`), n(r, `orders${j}`)),
      ),
      medianResolutionDays: kpi('medianResolutionDays', (_r, j) =>
        complaints.nullableNumber(`resolution${j}`),
      ),
      returnRate: kpi('returnRate', (r, j) => ratio(n(r, `returned${j}`), n(r, `revenue${j}`))),
      atRiskRevenue: { value: atRisk, previous: null, delta: null },
    },
    populations: {
      churnRate: population('churnRate', 180, 90, 'active1'),
      repeatRate90d: population('repeatRate90d', 180, 90, 'new1'),
      netRevenueRetention12m: population('netRevenueRetention12m', 730, 365, 'nrr_customers0'),
    },
    atRiskScores: scores.run,
    modelHasScored: scores.anyScores,
  };
}

function emptyKpis(): Kpis['kpis'] {
  const none = (): Kpi => ({ value: null, previous: null, delta: null });
  return {
    activeCustomers: none(),
    newCustomers: none(),
    repeatRate90d: none(),
    churnRate: none(),
    revenue: none(),
    netRevenueRetention12m: none(),
    complaintRate: none(),
    medianResolutionDays: none(),
    returnRate: none(),
    atRiskRevenue: none(),
  };
}
