import type { Kpi, KpiPopulation, Kpis, KpisQuery } from '@retain/schemas';
import { type Db, type Dialect, ParameterError, type Sql, sql } from '@retain/warehouse';
import type { RollupState } from './analyticsRollup.ts';
import { type AnalyticsScope, analyticsScope } from './analyticsScope.ts';
import {
  type CustomerSlice,
  inSlice,
  rowsBySlice,
  scopeSql,
  sliceCondition,
  withCtes,
} from './customerSlices.ts';
import { inWindow, KPI_FACTS_TABLE, type KpiWindow, kpiCustomerFacts } from './kpiCustomerFacts.ts';
import { dayIndex, isoDay } from './periods.ts';
import { type AnalyticsTarget, readAnalytics } from './readAnalytics.ts';
import { type ResultRow, readRows } from './sqlQuery.ts';

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

/** Flags and sums per (channel, region) part, read back per slice. */
const PART_COLUMNS = ['a0', 'a1', 'a2', 'b1', 'bp1', 'rep'] as const;
const PART_SUMS = [
  'orders0',
  'orders1',
  'revenue0',
  'revenue1',
  'returned0',
  'returned1',
  'y0net',
  'y1net',
  'p0net',
  'p1net',
] as const;

/**
 * The KPIs' sums, one row per (channel, region) of first order and combination of the customer
 * flags they count by: ordered in w0, w1, w2, y1, p1; the window of the first order (nw); back
 * within 90 days of it (rep). From the kept facts at the data's end, or computed for asOf.
 */
function partsQuery(d: Dialect, scope: AnalyticsScope, asOf: number, kept: boolean): Sql {
  const s = scopeSql(scope);
  const facts = kept ? sql.raw(KPI_FACTS_TABLE) : sql.raw('kpi_facts');
  const ctes = kept ? s.ctes : [...s.ctes, sql`kpi_facts AS (${kpiCustomerFacts(d, asOf)})`];
  const firstIn = (window: KpiWindow) => inWindow(sql`c.first_day`, asOf, window);
  const total = (expr: string) => d.cast(sql`sum(${sql.raw(expr)})`, 'double');
  return sql`${withCtes(ctes)}
    SELECT c.f_channel AS channel, c.f_region AS region,
           c.n0 > 0 AS a0, c.n1 > 0 AS a1, c.n2 > 0 AS a2, c.ny1 > 0 AS b1, c.np1 > 0 AS bp1,
           coalesce(c.second_day <= ${d.addDays(sql`c.first_day`, sql`${KPI_WINDOW_DAYS}`)}, FALSE) AS rep,
           CASE WHEN ${firstIn('w0')} THEN 0 WHEN ${firstIn('w1')} THEN 1 WHEN ${firstIn('w2')} THEN 2 END AS nw,
           count(*) AS customers,
           ${total('c.n0')} AS orders0, ${total('c.n1')} AS orders1,
           ${total('c.v0')} AS revenue0, ${total('c.v1')} AS revenue1,
           ${total('c.r0')} AS returned0, ${total('c.r1')} AS returned1,
           ${total('c.y0net')} AS y0net, ${total('c.y1net')} AS y1net,
           ${total('c.p0net')} AS p0net, ${total('c.p1net')} AS p1net
    FROM ${facts} c ${s.joins('c')}
    WHERE ${s.where('c')}
    ${d.groupByFirst(9)}`;
}

/** Complaints opened and median days to resolve in w0 and w1, for each slice. */
function complaintsQuery(
  d: Dialect,
  scope: AnalyticsScope,
  asOf: number,
  slices: readonly CustomerSlice[],
): Sql {
  const s = scopeSql(scope);
  // Only complaints opened or resolved in w0 or w1 count.
  const since = sql`CAST(${isoDay(asOf - 2 * KPI_WINDOW_DAYS)} AS DATE)`;
  const columns = slices.flatMap((slice, i) => {
    const inSlice = sliceCondition(slice, 'x');
    const opened = (window: KpiWindow) => sql`${inWindow(sql`x.opened_day`, asOf, window)} AND ${inSlice}`;
    const resolved = (window: KpiWindow) =>
      sql`${inWindow(sql`x.resolved_day`, asOf, window)} AND ${inSlice}`;
    return [
      sql`${d.cast(d.filtered(sql`count(*)`, opened('w0')), 'integer')} AS ${sql.raw(`complaints0_${i}`)}`,
      sql`${d.cast(d.filtered(sql`count(*)`, opened('w1')), 'integer')} AS ${sql.raw(`complaints1_${i}`)}`,
      sql`${d.median(sql`x.resolution_days`, resolved('w0'))} AS ${sql.raw(`resolution0_${i}`)}`,
      sql`${d.median(sql`x.resolution_days`, resolved('w1'))} AS ${sql.raw(`resolution1_${i}`)}`,
    ];
  });
  return sql`${withCtes(s.ctes)}
    SELECT ${sql.join(columns)}
    FROM analytics_complaints x ${s.joins('x')}
    WHERE x.opened_day <= CAST(${isoDay(asOf)} AS DATE) AND ${s.where('x')}
      AND (x.opened_day > ${since} OR x.resolved_day > ${since})`;
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

/** Value at risk of one score run summed over the scored customers in scope of one (channel, region) part. */
export interface AtRiskPart {
  channel: string | null;
  region: string | null;
  atRisk: number;
}

/**
 * The statement reading which of `ids` are customers in the KPIs' scope, with the channel and
 * region of their first order: columns customer_id (text), channel, region.
 */
export type ScopeCustomers = (ids: readonly string[]) => Sql;

/**
 * How the at-risk sums per part are read, where the scores do not live beside the facts (scores in
 * a local file, facts on a cluster): given the run in force and the scope's customers among some
 * ids. Without it, one statement joins the scores with the rollup's customers on `conn`.
 */
export type AtRiskSums = (
  conn: Db,
  run: ScoresRunRef,
  scopeCustomers: ScopeCustomers,
) => Promise<AtRiskPart[]>;

/** Sum of value_at_risk over one score run per (channel, region) part, for the customers in scope. */
function atRiskQuery(scope: AnalyticsScope, run: ScoresRunRef): Sql {
  const s = scopeSql(scope);
  return sql`${withCtes(s.ctes)}
    SELECT c.f_channel AS channel, c.f_region AS region, sum(s.value_at_risk) AS at_risk
    FROM scores s JOIN analytics_customers c ON c.customer_id = s.customer_id ${s.joins('c')}
    WHERE s.model_id = ${run.modelId} AND s.as_of = CAST(${run.asOf} AS DATE) AND ${s.where('c')}
    GROUP BY c.f_channel, c.f_region`;
}

/** The customers in scope among some ids, with their part (for `AtRiskSums`). */
function scopeCustomersQuery(d: Dialect, scope: AnalyticsScope, ids: readonly string[]): Sql {
  const s = scopeSql(scope);
  const listed =
    ids.length === 0 ? sql`FALSE` : sql`c.customer_id IN (${sql.join(ids.map((id) => sql`${id}`))})`;
  return sql`${withCtes(s.ctes)}
    SELECT ${d.cast(sql`c.customer_id`, 'varchar')} AS customer_id, c.f_channel AS channel, c.f_region AS region
    FROM analytics_customers c ${s.joins('c')}
    WHERE ${listed} AND ${s.where('c')}`;
}

/** The default `AtRiskSums`: the scores beside the rollup, one statement. */
async function atRiskSumsHere(conn: Db, plan: KpisPlan, run: ScoresRunRef): Promise<AtRiskPart[]> {
  if (!plan.atRisk) return [];
  return (await readRows(conn, plan.atRisk(run))).map((row) => ({
    channel: row.nullableString('channel'),
    region: row.nullableString('region'),
    atRisk: row.nullableNumber('at_risk') ?? 0,
  }));
}

export interface KpisPlan {
  state: RollupState;
  /** Day indices; null without orders. */
  asOf: number | null;
  dataEnd: number | null;
  slices: CustomerSlice[];
  /** The sums per part (see partsQuery); null without orders. */
  orders: Sql | null;
  complaints: Sql | null;
  /** The at-risk sums per part over the score run in force at asOf, once that run is known. */
  atRisk: ((run: ScoresRunRef) => Sql) | null;
  /** The customers in scope among some ids, with their part (see `ScopeCustomers`). */
  scopeCustomers: ScopeCustomers | null;
}

export interface KpisPlanOptions {
  /** The engine's spelling (the connection's). */
  dialect: Dialect;
  /** Several slices of the query's customers; without, the query's channel and region filters. */
  slices?: readonly CustomerSlice[] | undefined;
  /**
   * Read the facts kept with the rollup when asOf is the data's end (the default); false computes
   * them from the orders as for any other day (the benchmark compares the two).
   */
  keptFacts?: boolean;
}

/**
 * The statements behind the KPIs of several slices of one query's customers; exported so that the
 * benchmark can time them bare. Without `slices`, the query's own channel and region filters are
 * the one slice (the statements are those of any slices: one slice read alone adds the same rows
 * as among others); with them, those filters still apply to every slice.
 */
export function kpisPlan(state: RollupState, query: KpisQuery, options: KpisPlanOptions): KpisPlan {
  const { dialect, slices } = options;
  const { channel, region, ...rest } = query.filters;
  const filters = slices ? query.filters : rest;
  const sliceList = slices ? [...slices] : [{ channel, region }];
  const dataEnd = analyticsScope(state, query.filters, 'period').endDay;
  if (dataEnd === null || state.firstDay === null) {
    return {
      state,
      asOf: null,
      dataEnd,
      slices: sliceList,
      orders: null,
      complaints: null,
      atRisk: null,
      scopeCustomers: null,
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
  const scope = analyticsScope(state, { ...filters, to: isoDay(asOf) }, 'period');
  const kept = (options.keptFacts ?? true) && asOf === state.lastDay;
  return {
    state,
    asOf,
    dataEnd,
    slices: sliceList,
    orders: partsQuery(dialect, scope, asOf, kept),
    complaints: complaintsQuery(dialect, scope, asOf, sliceList),
    atRisk: (run) => atRiskQuery(scope, run),
    scopeCustomers: (ids) => scopeCustomersQuery(dialect, scope, ids),
  };
}

/**
 * The KPIs as of a day. At-risk revenue needs `scoresAt`, the rule for which churn scores were in
 * force on a day; without it the figure is null. `atRiskSums` reads the sums where the scores are
 * not beside the facts (see `AtRiskSums`).
 */
export async function retentionKpis(
  source: AnalyticsTarget,
  query: KpisQuery,
  scoresAt?: ScoresAt,
  atRiskSums?: AtRiskSums,
): Promise<Kpis> {
  const [kpis] = await readAnalytics(source, (conn, state) =>
    kpisFromSnapshot(conn, kpisPlan(state, query, { dialect: conn.dialect }), scoresAt, atRiskSums),
  );
  if (!kpis) throw new Error('no KPIs were read');
  return kpis;
}

/**
 * The KPIs of several slices of the customers (channel and region of first order) as of one day,
 * each exactly as `retentionKpis` gives it for that slice's filters, from one pass: one statement
 * for the order and return figures, one for complaints, one for at-risk revenue.
 */
export async function scopeKpis(
  source: AnalyticsTarget,
  query: KpisQuery,
  slices: readonly CustomerSlice[],
  scoresAt?: ScoresAt,
  atRiskSums?: AtRiskSums,
): Promise<Kpis[]> {
  return readAnalytics(source, (conn, state) =>
    kpisFromSnapshot(conn, kpisPlan(state, query, { dialect: conn.dialect, slices }), scoresAt, atRiskSums),
  );
}

/** Sums of the part rows of one slice, named as the KPI formulas read them. */
function sliceTotals(rows: readonly ResultRow[]): Record<string, number> {
  const t: Record<string, number> = {};
  const add = (name: string, value: number) => {
    t[name] = (t[name] ?? 0) + value;
  };
  for (const row of rows) {
    const c = row.number('customers');
    const [a0, a1, a2, b1, bp1, rep] = PART_COLUMNS.map((name) => row.boolean(name));
    const nw = row.nullableNumber('nw');
    add('active0', a0 ? c : 0);
    add('active1', a1 ? c : 0);
    add('active2', a2 ? c : 0);
    add('churned0', a1 && !a0 ? c : 0);
    add('churned1', a2 && !a1 ? c : 0);
    for (const j of [0, 1, 2]) add(`new${j}`, nw === j ? c : 0);
    add('repeat0', nw === 1 && rep ? c : 0);
    add('repeat1', nw === 2 && rep ? c : 0);
    for (const name of PART_SUMS) add(name, row.nullableNumber(name) ?? 0);
    add('nrr_num0', b1 ? (row.nullableNumber('y0net') ?? 0) : 0);
    add('nrr_den0', b1 ? (row.nullableNumber('y1net') ?? 0) : 0);
    add('nrr_customers0', b1 ? c : 0);
    add('nrr_num1', bp1 ? (row.nullableNumber('p0net') ?? 0) : 0);
    add('nrr_den1', bp1 ? (row.nullableNumber('p1net') ?? 0) : 0);
  }
  return t;
}

const partKey = (row: ResultRow) =>
  JSON.stringify([
    row.nullableString('channel'),
    row.nullableString('region'),
    ...PART_COLUMNS.map((name) => row.boolean(name)),
    row.nullableNumber('nw'),
  ]);

async function kpisFromSnapshot(
  conn: Db,
  plan: KpisPlan,
  scoresAt?: ScoresAt,
  atRiskSums?: AtRiskSums,
): Promise<Kpis[]> {
  const { state, asOf } = plan;
  const dataStart = state.firstDay === null ? null : isoDay(state.firstDay);
  const dataEnd = plan.dataEnd === null ? null : isoDay(plan.dataEnd);
  const firstDay = state.firstDay;
  if (asOf === null || firstDay === null || !plan.orders || !plan.complaints) {
    return plan.slices.map(() => ({
      asOf: null,
      previousAsOf: null,
      windowDays: KPI_WINDOW_DAYS,
      dataStart,
      dataEnd,
      kpis: emptyKpis(),
      populations: { churnRate: null, repeatRate90d: null, netRevenueRetention12m: null },
      atRiskScores: null,
      modelHasScored: false,
    }));
  }
  const parts = rowsBySlice(await readRows(conn, plan.orders), plan.slices, partKey);
  const [complaints] = await readRows(conn, plan.complaints);
  if (!complaints) throw new Error('the complaints query returned no row');

  const scores = scoresAt ? await scoresAt(conn, isoDay(asOf)) : { run: null, anyScores: false };
  const run = scores.run;
  const atRiskRows =
    run && plan.scopeCustomers
      ? atRiskSums
        ? await atRiskSums(conn, run, plan.scopeCustomers)
        : await atRiskSumsHere(conn, plan, run)
      : null;
  // Each slice's parts in one fixed order, so that its sum does not depend on the engine's.
  const partOrder = (p: AtRiskPart) => JSON.stringify([p.channel, p.region]);
  const atRiskParts = atRiskRows
    ? plan.slices.map((slice) =>
        atRiskRows
          .filter((p) => inSlice(slice, p.channel, p.region))
          .sort((a, b) => (partOrder(a) < partOrder(b) ? -1 : partOrder(a) > partOrder(b) ? 1 : 0)),
      )
    : null;

  return plan.slices.map((_slice, i) => {
    const t = sliceTotals(parts[i] ?? []);
    const atRisk = atRiskParts ? (atRiskParts[i] ?? []).reduce((sum, p) => sum + p.atRisk, 0) : null;
    const n = (name: string) => t[name] ?? 0;
    const complaintsIn = (j: 0 | 1) => complaints.number(`complaints${j}_${i}`);
    const resolution = (j: 0 | 1) => complaints.nullableNumber(`resolution${j}_${i}`);

    /** KPI value as of D (previous = false) or D − 90, null where its windows are not fully observed. */
    const figure = (lookback: number, previous: boolean, value: () => number | null) =>
      asOf - (previous ? KPI_WINDOW_DAYS : 0) - lookback + 1 < firstDay ? null : value();
    const kpi = (name: keyof typeof LOOKBACK, value: (j: 0 | 1) => number | null): Kpi => {
      const now = figure(LOOKBACK[name], false, () => value(0));
      const before = figure(LOOKBACK[name], true, () => value(1));
      return { value: now, previous: before, delta: now === null || before === null ? null : now - before };
    };
    const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
    /** The customers behind a share: those with the defining event in (asOf − from, asOf − to]. */
    const population = (
      name: keyof typeof LOOKBACK,
      from: number,
      to: number,
      customers: string,
    ): KpiPopulation | null =>
      figure(LOOKBACK[name], false, () => 0) === null
        ? null
        : { from: isoDay(asOf - from + 1), to: isoDay(asOf - to), customers: n(customers) };

    return {
      asOf: isoDay(asOf),
      previousAsOf: isoDay(asOf - KPI_WINDOW_DAYS),
      windowDays: KPI_WINDOW_DAYS,
      dataStart,
      dataEnd,
      kpis: {
        activeCustomers: kpi('activeCustomers', (j) => n(`active${j}`)),
        newCustomers: kpi('newCustomers', (j) => n(`new${j}`)),
        repeatRate90d: kpi('repeatRate90d', (j) => ratio(n(`repeat${j}`), n(`new${j + 1}`))),
        churnRate: kpi('churnRate', (j) => ratio(n(`churned${j}`), n(`active${j + 1}`))),
        revenue: kpi('revenue', (j) => n(`revenue${j}`)),
        netRevenueRetention12m: kpi('netRevenueRetention12m', (j) =>
          ratio(n(`nrr_num${j}`), n(`nrr_den${j}`)),
        ),
        complaintRate: kpi('complaintRate', (j) => ratio(complaintsIn(j), n(`orders${j}`))),
        medianResolutionDays: kpi('medianResolutionDays', (j) => resolution(j)),
        returnRate: kpi('returnRate', (j) => ratio(n(`returned${j}`), n(`revenue${j}`))),
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
  });
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
