import type {
  CohortCurves,
  CohortMatrix,
  CohortMatrixQuery,
  CohortMetric,
  CohortRow,
  ForecastSummary,
  Period,
  RetentionMode,
} from '@retain/schemas';
import { COMPLAINT_EXPERIENCES } from '@retain/schemas';
import { BadInputError, type Db, type Sql } from '@retain/warehouse';
import type { RollupState } from './analyticsRollup.ts';
import {
  type AnalyticsScope,
  analyticsScope,
  type Grouping,
  PERIOD_COLUMN,
  UNKNOWN_GROUP,
  withClause,
} from './analyticsScope.ts';
import { forecastRows } from './forecast/forecastCohorts.ts';
import { dayIndex, isoDay, parsePeriodLabel, periodBounds, periodLabel, periodOfDay } from './periods.ts';
import { type AnalyticsTarget, readAnalytics } from './readAnalytics.ts';
import { type ResultRow, readRows, sqlQuery } from './sqlQuery.ts';
import { wilsonInterval } from './wilsonInterval.ts';

/*
 * Cohort cells. SQL aggregates orders (and returns) per (group, first-order period, offset); the
 * rows are few (one per cell, or per group × period × offset for pooled groups) and are combined
 * here into values, completeness and intervals.
 *
 * A "pooled" group (an attribute cohort, an impact curve) holds customers whose first orders fall
 * in different periods, so offset k of the group is observed for some members and not yet for
 * others. A cell's value is over the members whose offset-k period has ended by the data's end
 * (its base); when no member's has, it is over the members whose offset-k period has begun, from
 * the orders so far, and flagged incomplete. A period cohort is the special case with one first
 * period: its cell is complete or not as a whole.
 */

export interface CohortCellsOptions {
  period: Period;
  grouping: Grouping;
  metric: CohortMetric;
  mode: RetentionMode;
  net: boolean;
  minCohortSize: number;
  maxOffset?: number | undefined;
  filters: CohortMatrixQuery['filters'];
}

export interface CohortCellsPlan {
  scope: AnalyticsScope;
  /** null when there is no data to query. */
  orders: Sql | null;
  returns: Sql | null;
}

/** The statements behind a matrix; exported so that the benchmark can time them bare. */
export function cohortCellsPlan(state: RollupState, options: CohortCellsOptions): CohortCellsPlan {
  const scope = analyticsScope(state, options.filters, options.grouping);
  if (scope.endDay === null) return { scope, orders: null, returns: null };
  const p = PERIOD_COLUMN[options.period];
  // Offsets past maxOffset are folded into one bucket: "last active offset ≥ k" still needs them.
  const params = { ...scope.params, cap: options.maxOffset === undefined ? null : options.maxOffset + 1 };
  const offset = (a: string) =>
    options.maxOffset === undefined
      ? `(${a}.${p} - ${a}.f${p})`
      : `least(${a}.${p} - ${a}.f${p}, CAST($cap AS INTEGER))`;
  const orders = sqlQuery(
    `${withClause(scope.ctes)}
     SELECT ${scope.group('o')} AS grp, o.f${p} AS fp, ${offset('o')} AS k,
            CAST(count(*) FILTER (WHERE o.new_${p}) AS INTEGER) AS active,
            CAST(count(*) AS INTEGER) AS orders,
            CAST(sum(o.value) AS DOUBLE) AS revenue,
            CAST(count(*) FILTER (WHERE o.seq = 1) AS INTEGER) AS size,
            CAST(count(*) FILTER (WHERE o.next_day IS NULL OR o.next_day > CAST($end AS DATE)) AS INTEGER) AS last
     FROM analytics_orders o ${scope.joins('o')}
     WHERE o.day <= CAST($end AS DATE) AND ${scope.where('o')}
     GROUP BY 1, 2, 3`,
    params,
  );
  const returns =
    options.metric === 'revenue' && options.net
      ? sqlQuery(
          `${withClause(scope.ctes)}
           SELECT ${scope.group('r')} AS grp, r.f${p} AS fp, ${offset('r')} AS k, CAST(sum(r.amount) AS DOUBLE) AS returned
           FROM analytics_returns r ${scope.joins('r')}
           WHERE r.day <= CAST($end AS DATE) AND r.${p} >= r.f${p} AND ${scope.where('r')}
           GROUP BY 1, 2, 3`,
          params,
        )
      : null;
  return { scope, orders, returns };
}

export async function cohortCells(
  conn: Db,
  plan: CohortCellsPlan,
  options: CohortCellsOptions,
): Promise<{ endDay: number | null; rows: CohortRow[] }> {
  const endDay = plan.scope.endDay;
  if (endDay === null || !plan.orders) return { endDay, rows: [] };
  const orderRows = await readRows(conn, plan.orders);
  const returnRows = plan.returns ? await readRows(conn, plan.returns) : [];
  return { endDay, rows: assembleCohortRows(orderRows, returnRows, endDay, options) };
}

interface Sums {
  active: number;
  orders: number;
  revenue: number;
  returned: number;
}

interface FirstPeriod {
  size: number;
  revenue0: number;
  returned0: number;
}

interface GroupCells {
  label: string;
  sortKey: number | string;
  firstPeriods: Map<number, FirstPeriod>;
  /** Per offset: sums over members whose offset period has ended, and over all who have begun it. */
  complete: Sums[];
  started: Sums[];
  /** Customers by last active offset, capped at the last complete offset of their first period. */
  lastComplete: number[];
  lastStarted: number[];
}

const emptySums = (): Sums => ({ active: 0, orders: 0, revenue: 0, returned: 0 });

function assembleCohortRows(
  orderRows: ResultRow[],
  returnRows: ResultRow[],
  endDay: number,
  options: CohortCellsOptions,
): CohortRow[] {
  const { end, lastComplete } = periodBounds(options.period, endDay);
  const byPeriod = options.grouping === 'period';
  const maxOffset = options.maxOffset ?? Number.POSITIVE_INFINITY;
  const groups = new Map<string, GroupCells>();
  const groupOf = (row: ResultRow, fp: number): GroupCells => {
    const key = byPeriod ? String(fp) : row.string('grp');
    let group = groups.get(key);
    if (!group) {
      group = {
        label: byPeriod ? periodLabel(options.period, fp) : key,
        sortKey: byPeriod ? fp : groupSortKey(options.grouping, key),
        firstPeriods: new Map(),
        complete: [],
        started: [],
        lastComplete: [],
        lastStarted: [],
      };
      groups.set(key, group);
    }
    return group;
  };
  const firstPeriod = (group: GroupCells, fp: number): FirstPeriod => {
    let entry = group.firstPeriods.get(fp);
    if (!entry) {
      entry = { size: 0, revenue0: 0, returned0: 0 };
      group.firstPeriods.set(fp, entry);
    }
    return entry;
  };
  const sumsAt = (list: Sums[], k: number): Sums => {
    while (list.length <= k) list.push(emptySums());
    const sums = list[k] ?? emptySums();
    list[k] = sums;
    return sums;
  };
  const addAt = (list: number[], k: number, n: number) => {
    while (list.length <= k) list.push(0);
    list[k] = (list[k] ?? 0) + n;
  };

  for (const row of orderRows) {
    const fp = row.number('fp');
    const k = row.number('k');
    const group = groupOf(row, fp);
    const last = row.number('last');
    addAt(group.lastStarted, k, last);
    const cappedK = Math.min(k, lastComplete - fp);
    if (cappedK >= 0) addAt(group.lastComplete, cappedK, last);
    if (k > maxOffset) continue;
    const first = firstPeriod(group, fp);
    first.size += row.number('size');
    const revenue = row.number('revenue');
    if (k === 0) first.revenue0 += revenue;
    const targets = [sumsAt(group.started, k)];
    if (fp + k <= lastComplete) targets.push(sumsAt(group.complete, k));
    for (const sums of targets) {
      sums.active += row.number('active');
      sums.orders += row.number('orders');
      sums.revenue += revenue;
    }
  }
  for (const row of returnRows) {
    const fp = row.number('fp');
    const k = row.number('k');
    if (k > maxOffset) continue;
    const group = groupOf(row, fp);
    const returned = row.number('returned');
    if (k === 0) firstPeriod(group, fp).returned0 += returned;
    sumsAt(group.started, k).returned += returned;
    if (fp + k <= lastComplete) sumsAt(group.complete, k).returned += returned;
  }

  return [...groups.values()]
    .filter((group) => group.firstPeriods.size > 0)
    .sort((a, b) => compareKeys(a.sortKey, b.sortKey))
    .map((group) => groupRow(group, end, lastComplete, options));
}

function groupRow(
  group: GroupCells,
  end: number,
  lastComplete: number,
  options: CohortCellsOptions,
): CohortRow {
  const fps = [...group.firstPeriods.keys()].sort((a, b) => a - b);
  const cumulative = { size: [0], revenue0: [0], returned0: [0] };
  for (const entry of fps.map((fp) => group.firstPeriods.get(fp))) {
    if (!entry) continue;
    cumulative.size.push((cumulative.size.at(-1) ?? 0) + entry.size);
    cumulative.revenue0.push((cumulative.revenue0.at(-1) ?? 0) + entry.revenue0);
    cumulative.returned0.push((cumulative.returned0.at(-1) ?? 0) + entry.returned0);
  }
  /** How many first periods are ≤ limit (fps is sorted). */
  const countUpTo = (limit: number) => {
    let lo = 0;
    let hi = fps.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((fps[mid] ?? Number.POSITIVE_INFINITY) <= limit) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const suffix = (list: number[]) => {
    const out = new Array<number>(list.length + 1).fill(0);
    for (let i = list.length - 1; i >= 0; i--) out[i] = (out[i + 1] ?? 0) + (list[i] ?? 0);
    return out;
  };
  const stillCompleteFrom = suffix(group.lastComplete);
  const stillStartedFrom = suffix(group.lastStarted);

  const size = cumulative.size.at(-1) ?? 0;
  const lastOffset = Math.min(end - (fps[0] ?? end), options.maxOffset ?? Number.POSITIVE_INFINITY);
  const row: CohortRow = {
    cohort: group.label,
    size,
    small: size < options.minCohortSize,
    values: [],
    complete: [],
    counts: [],
    bases: [],
    low: options.metric === 'customers' ? [] : null,
    high: options.metric === 'customers' ? [] : null,
  };
  for (let k = 0; k <= lastOffset; k++) {
    const completeMembers = countUpTo(lastComplete - k);
    const isComplete = completeMembers > 0 && (cumulative.size[completeMembers] ?? 0) > 0;
    const members = isComplete ? completeMembers : countUpTo(end - k);
    const base = cumulative.size[members] ?? 0;
    const sums = (isComplete ? group.complete[k] : group.started[k]) ?? emptySums();
    let count: number;
    let value: number | null;
    switch (options.metric) {
      case 'customers':
        count =
          options.mode === 'on'
            ? sums.active
            : ((isComplete ? stillCompleteFrom[k] : stillStartedFrom[k]) ?? 0);
        value = base > 0 ? count / base : null;
        break;
      case 'orders':
        count = sums.orders;
        value = base > 0 ? count / base : null;
        break;
      case 'revenue': {
        count = sums.revenue - (options.net ? sums.returned : 0);
        const first =
          (cumulative.revenue0[members] ?? 0) - (options.net ? (cumulative.returned0[members] ?? 0) : 0);
        value = first !== 0 ? count / first : null;
        break;
      }
    }
    row.values.push(value);
    row.complete.push(isComplete);
    row.counts.push(count);
    row.bases.push(base);
    if (row.low && row.high) {
      const interval = wilsonInterval(count, base);
      row.low.push(interval?.low ?? null);
      row.high.push(interval?.high ?? null);
    }
  }
  return row;
}

const EXPERIENCE_ORDER = new Map<string, number>(
  COMPLAINT_EXPERIENCES.map((experience, i) => [experience, i]),
);

/** Complaint experiences read best worst-last; other groups alphabetically, unknown last. */
function groupSortKey(grouping: Grouping, label: string): number | string {
  if (grouping === 'complaintExperience') return EXPERIENCE_ORDER.get(label) ?? -1;
  return label === UNKNOWN_GROUP ? '\uffff' : label;
}

function compareKeys(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** The cells options of a matrix or curves query; exported so that the benchmark plans the same. */
export function cellsOptions(query: CohortMatrixQuery, grouping: Grouping): CohortCellsOptions {
  return {
    period: query.period,
    grouping,
    metric: query.metric,
    mode: query.mode,
    net: query.net,
    minCohortSize: query.minCohortSize,
    maxOffset: query.maxOffset,
    filters: query.filters,
  };
}

/** Cohorts by first-order period (or by a first-order attribute) × offset. */
export async function cohortMatrix(source: AnalyticsTarget, query: CohortMatrixQuery): Promise<CohortMatrix> {
  const grouping = query.by ?? 'period';
  const { endDay, rows, forecast } = await readCells(source, query, grouping);
  return {
    period: query.period,
    by: grouping === 'period' ? 'period' : grouping,
    metric: query.metric,
    mode: query.mode,
    net: query.net,
    dataEnd: endDay === null ? null : isoDay(endDay),
    minCohortSize: query.minCohortSize,
    cohorts: rows,
    ...(forecast ? { forecast } : {}),
  };
}

/** One curve pooled over every first-order period, or one per value of `by`. */
export async function cohortCurves(source: AnalyticsTarget, query: CohortMatrixQuery): Promise<CohortCurves> {
  const grouping = query.by ?? 'all';
  const { endDay, rows, forecast } = await readCells(source, query, grouping);
  return {
    period: query.period,
    by: grouping,
    metric: query.metric,
    mode: query.mode,
    net: query.net,
    dataEnd: endDay === null ? null : isoDay(endDay),
    minCohortSize: query.minCohortSize,
    curves: rows,
    ...(forecast ? { forecast } : {}),
  };
}

/**
 * The cells of a matrix or curves and, with `forecast`, their forecasts. Forecasts need the share
 * buying in each period, so a matrix of another metric or mode reads those cells too, in the same
 * snapshot and up to the same day.
 */
export async function readCells(
  source: AnalyticsTarget,
  query: CohortMatrixQuery,
  grouping: Grouping,
  /** Without `through`: forecast at least this many periods past the data's end. */
  minimumPeriods = DEFAULT_FORECAST_PERIODS,
): Promise<{ endDay: number | null; rows: CohortRow[]; forecast: ForecastSummary | null }> {
  const options = cellsOptions(query, grouping);
  const activityOptions: CohortCellsOptions = { ...options, metric: 'customers', mode: 'on', net: false };
  // Orders and revenue are forecast through the share buying; "in it or later" has its own model.
  const needsActivity = query.forecast && query.metric !== 'customers';
  const { endDay, rows, activity } = await readAnalytics(source, async (conn, state) => {
    const shown = await cohortCells(conn, cohortCellsPlan(state, options), options);
    const activity = needsActivity
      ? (await cohortCells(conn, cohortCellsPlan(state, activityOptions), activityOptions)).rows
      : shown.rows;
    return { ...shown, activity };
  });
  if (!query.forecast) return { endDay, rows, forecast: null };
  if (endDay === null) {
    return {
      endDay,
      rows: rows.map((row) => ({ ...row, cells: [] })),
      forecast: null,
    };
  }
  const endPeriod = periodOfDay(query.period, endDay);
  let throughPeriod = endPeriod + Math.max(DEFAULT_FORECAST_PERIODS, minimumPeriods);
  if (query.through !== undefined) {
    throughPeriod = periodOfDay(query.period, dayIndex(query.through));
    if (throughPeriod < endPeriod) {
      throw new BadInputError(
        `through ${query.through} is before the data's end (${isoDay(endDay)}): forecasts are of the periods after it`,
      );
    }
  }
  const { rows: withCells, summary } = forecastRows({
    period: query.period,
    metric: query.metric,
    mode: query.mode,
    endPeriod,
    throughPeriod,
    minCohortSize: query.minCohortSize,
    maxOffset: query.maxOffset,
    rows,
    activity,
    // A period cohort starts in its period; an attribute group with its earliest member.
    firstPeriods: rows.map((row) =>
      grouping === 'period'
        ? (parsePeriodLabel(query.period, row.cohort) ?? endPeriod)
        : endPeriod - (row.values.length - 1),
    ),
  });
  return { endDay, rows: withCells, forecast: summary };
}

/** How far `forecast` reaches without `through`: a year of months, 12 weeks, 12 quarters. */
export const DEFAULT_FORECAST_PERIODS = 12;
