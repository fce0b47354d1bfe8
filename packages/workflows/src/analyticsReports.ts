import { cohortMatrix, cohortTrend, repeatPurchase, retentionKpis } from '@retain/analytics';
import { scoresInForce } from '@retain/churn';
import {
  type CohortMatrix,
  type CohortMatrixQuery,
  cohortMatrixSchema,
  type Kpis,
  type KpisQuery,
  kpisSchema,
  type Repeat,
  type RepeatQuery,
  repeatSchema,
  type Trend,
  type TrendQuery,
  trendSchema,
} from '@retain/schemas';
import type { Warehouse } from '@retain/warehouse';

/*
 * The analytics the dashboard and the CLI both show, computed by one function each so that they
 * answer alike: the figures, checked against the shape the API publishes (the check also drops
 * anything that shape does not name).
 */

/** Cohorts (by first-order period or attribute) × offset: retention, orders or revenue. */
export async function cohortMatrixReport(
  warehouse: Warehouse,
  query: CohortMatrixQuery,
): Promise<CohortMatrix> {
  return cohortMatrixSchema.parse(await cohortMatrix(warehouse, query));
}

/** Retention at one age across successive cohorts, with forecasts for cohorts not yet that old. */
export async function cohortTrendReport(warehouse: Warehouse, query: TrendQuery): Promise<Trend> {
  return trendSchema.parse(await cohortTrend(warehouse, query));
}

/** Repeat-purchase rates overall and by cohort, with the timing distributions. */
export async function repeatReport(warehouse: Warehouse, query: RepeatQuery): Promise<Repeat> {
  return repeatSchema.parse(await repeatPurchase(warehouse, query));
}

/**
 * The headline KPIs as of a day (default: the data's end), each with the value 90 days earlier;
 * at-risk revenue from the churn scores in force on that day.
 */
export async function kpisReport(warehouse: Warehouse, query: KpisQuery): Promise<Kpis> {
  return kpisSchema.parse(await retentionKpis(warehouse, query, scoresInForce));
}
