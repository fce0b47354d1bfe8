import {
  type AnalyticsTarget,
  cohortMatrix,
  cohortTrend,
  repeatPurchase,
  retentionKpis,
} from '@retain/analytics';
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
import { Warehouse } from '@retain/warehouse';
import { engineAtRisk } from './engineAtRisk.ts';

/*
 * The analytics the dashboard and the CLI both show, computed by one function each so that they
 * answer alike: the figures, checked against the shape the API publishes (the check also drops
 * anything that shape does not name). Each reads the embedded warehouse or any engine's source
 * (`withAnalyticsEngine`).
 */

/** Cohorts (by first-order period or attribute) × offset: retention, orders or revenue. */
export async function cohortMatrixReport(
  source: AnalyticsTarget,
  query: CohortMatrixQuery,
): Promise<CohortMatrix> {
  return cohortMatrixSchema.parse(await cohortMatrix(source, query));
}

/** Retention at one age across successive cohorts, with forecasts for cohorts not yet that old. */
export async function cohortTrendReport(source: AnalyticsTarget, query: TrendQuery): Promise<Trend> {
  return trendSchema.parse(await cohortTrend(source, query));
}

/** Repeat-purchase rates overall and by cohort, with the timing distributions. */
export async function repeatReport(source: AnalyticsTarget, query: RepeatQuery): Promise<Repeat> {
  return repeatSchema.parse(await repeatPurchase(source, query));
}

export interface KpisReportOptions {
  /**
   * Where the churn scores are when `source` is an engine (a cluster holding the facts): the local
   * database file `retain train/score --engine` wrote them to. Without it, on an engine, no model
   * has scored and at-risk revenue is null. Ignored on the embedded warehouse, which holds both.
   */
  scores?: Warehouse | null | undefined;
}

/**
 * The headline KPIs as of a day (default: the data's end), each with the value 90 days earlier;
 * at-risk revenue from the churn scores in force on that day. On an engine the run in force is
 * read from `options.scores` and the sums over the scope's customers as `engineAtRisk` reads them,
 * so that they equal the embedded file's on the same scores.
 */
export async function kpisReport(
  source: AnalyticsTarget,
  query: KpisQuery,
  options: KpisReportOptions = {},
): Promise<Kpis> {
  if (source instanceof Warehouse) return kpisSchema.parse(await retentionKpis(source, query, scoresInForce));
  if (!options.scores) return kpisSchema.parse(await retentionKpis(source, query));
  const { scoresAt, atRiskSums } = engineAtRisk(options.scores);
  return kpisSchema.parse(await retentionKpis(source, query, scoresAt, atRiskSums));
}
