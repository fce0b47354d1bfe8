import type { Impact, ImpactQuery } from '@retain/schemas';
import type { Db, Sql } from '@retain/warehouse';
import type { RollupState } from './analyticsRollup.ts';
import { type AnalyticsScope, analyticsScope, PERIOD_COLUMN, withClause } from './analyticsScope.ts';
import {
  type CohortCellsOptions,
  type CohortCellsPlan,
  cohortCells,
  cohortCellsPlan,
} from './cohortMatrix.ts';
import { isoDay, periodLabel } from './periods.ts';
import { type AnalyticsTarget, readAnalytics } from './readAnalytics.ts';
import { type RepeatRatesOptions, repeatRates, repeatRatesQuery, totalRate } from './repeatPurchase.ts';
import { resolutionSpeed, resolutionSpeedQuery } from './resolutionSpeed.ts';
import { readRows, sqlQuery } from './sqlQuery.ts';

/*
 * How complaints and returns bend retention. A customer's complaint experience is their worst
 * complaint opened by the data's end: unresolved (no resolved_at, or resolved after the end), then
 * resolved after more than 7 days, after more than 2, within 2 (48 hours), or no complaint at all.
 */

/** Order revenue and returned value per first-order period. */
export function returnRateQuery(scope: AnalyticsScope, period: ImpactQuery['period']): Sql {
  const p = PERIOD_COLUMN[period];
  return sqlQuery(
    `${withClause([
      ...scope.ctes,
      `ord AS (SELECT o.f${p} AS fp, CAST(count(*) FILTER (WHERE o.seq = 1) AS INTEGER) AS customers,
                      CAST(sum(o.value) AS DOUBLE) AS revenue
               FROM analytics_orders o ${scope.joins('o')}
               WHERE o.day <= CAST($end AS DATE) AND ${scope.where('o')} GROUP BY 1)`,
      `ret AS (SELECT r.f${p} AS fp, CAST(sum(r.amount) AS DOUBLE) AS returned
               FROM analytics_returns r ${scope.joins('r')}
               WHERE r.day <= CAST($end AS DATE) AND ${scope.where('r')} GROUP BY 1)`,
    ])}
     SELECT ord.fp, ord.customers, ord.revenue, CAST(coalesce(ret.returned, 0) AS DOUBLE) AS returned
     FROM ord LEFT JOIN ret ON ret.fp = ord.fp
     ORDER BY ord.fp`,
    scope.params,
  );
}

export interface ImpactPlan {
  byComplaint: { plan: CohortCellsPlan; options: CohortCellsOptions };
  byReturn: { plan: CohortCellsPlan; options: CohortCellsOptions };
  scope: AnalyticsScope;
  returnRates: Sql | null;
  repeat: { query: Sql | null; options: RepeatRatesOptions };
  /** Fast against slow resolution of the first complaint, at equal activity. */
  resolutionSpeed: Sql | null;
}

/** The statements behind `complaintImpact`; exported so that the benchmark can time them bare. */
export function impactPlan(state: RollupState, query: ImpactQuery): ImpactPlan {
  const curve = (grouping: 'complaintExperience' | 'hadReturn') => {
    const options: CohortCellsOptions = {
      period: query.period,
      grouping,
      metric: 'customers',
      mode: query.mode,
      net: false,
      minCohortSize: query.minCohortSize,
      maxOffset: query.maxOffset,
      filters: query.filters,
    };
    return { plan: cohortCellsPlan(state, options), options };
  };
  const scope = analyticsScope(state, query.filters, 'period');
  const repeatOptions: RepeatRatesOptions = {
    period: query.period,
    grouping: 'complained',
    withinDays: query.withinDays,
    filters: query.filters,
  };
  const complainedScope = analyticsScope(state, query.filters, 'complained');
  const empty = scope.endDay === null;
  return {
    byComplaint: curve('complaintExperience'),
    byReturn: curve('hadReturn'),
    scope,
    returnRates: empty ? null : returnRateQuery(scope, query.period),
    repeat: {
      query: empty ? null : repeatRatesQuery(complainedScope, repeatOptions),
      options: repeatOptions,
    },
    resolutionSpeed: empty ? null : resolutionSpeedQuery(scope),
  };
}

export async function complaintImpact(source: AnalyticsTarget, query: ImpactQuery): Promise<Impact> {
  return readAnalytics(source, (conn, state) => impactFromSnapshot(conn, impactPlan(state, query), query));
}

async function impactFromSnapshot(conn: Db, plan: ImpactPlan, query: ImpactQuery): Promise<Impact> {
  const byComplaint = await cohortCells(conn, plan.byComplaint.plan, plan.byComplaint.options);
  const byReturn = await cohortCells(conn, plan.byReturn.plan, plan.byReturn.options);
  const returnRows = plan.returnRates ? await readRows(conn, plan.returnRates) : [];
  const repeat = await repeatRates(conn, plan.repeat.query, plan.repeat.options);
  const speedRows = plan.resolutionSpeed ? await readRows(conn, plan.resolutionSpeed) : [];
  const side = (label: string) => totalRate(repeat.filter((row) => row.label === label));
  const endDay = plan.scope.endDay;

  return {
    period: query.period,
    mode: query.mode,
    dataEnd: endDay === null ? null : isoDay(endDay),
    byComplaint: byComplaint.rows,
    byReturn: byReturn.rows,
    returnRateByCohort: returnRows.map((row) => {
      const revenue = row.number('revenue');
      const returned = row.number('returned');
      return {
        cohort: periodLabel(query.period, row.number('fp')),
        customers: row.number('customers'),
        revenue,
        returned,
        rate: revenue !== 0 ? returned / revenue : null,
      };
    }),
    repeatByComplaint: {
      withinDays: query.withinDays ?? null,
      complainers: side('complainers'),
      others: side('others'),
    },
    resolutionSpeed: resolutionSpeed(speedRows, endDay),
  };
}
