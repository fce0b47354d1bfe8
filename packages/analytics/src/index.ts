export {
  type AnalyticsOnOptions,
  analyticsOn,
  buildEngineRollup,
  ENGINE_STATE_TABLE,
  sourceFingerprint,
} from './analyticsOn.ts';
export {
  buildAnalyticsRollup,
  ensureAnalyticsRollup,
  type RollupState,
  readRollupState,
} from './analyticsRollup.ts';
export { cohortCustomers, cohortCustomersQuery } from './cohortCustomers.ts';
export {
  type CohortCellsPlan,
  cellsOptions,
  cohortCellsPlan,
  cohortCurves,
  cohortMatrix,
  DEFAULT_FORECAST_PERIODS,
} from './cohortMatrix.ts';
export { complaintImpact, type ImpactPlan, impactPlan } from './complaintImpact.ts';
export type { CustomerSlice } from './customerSlices.ts';
export { fitActivity } from './forecast/activeShare.ts';
export { cohortTrend, TREND_COMPARISON_COHORTS } from './forecast/cohortTrend.ts';
export { forecastHorizon, forecastRows } from './forecast/forecastCohorts.ts';
export { fitSbg, sbgSurvival } from './forecast/shiftedBetaGeometric.ts';
export { parsePeriodLabel, periodLabel } from './periods.ts';
export type { AnalyticsSource, AnalyticsTarget } from './readAnalytics.ts';
export { type RepeatPlan, repeatPlan, repeatPurchase } from './repeatPurchase.ts';
export {
  type AtRiskPart,
  type AtRiskSums,
  type KpisPlan,
  type KpisPlanOptions,
  kpisPlan,
  retentionKpis,
  type ScopeCustomers,
  type ScoresAt,
  type ScoresRunRef,
  scopeKpis,
} from './retentionKpis.ts';
export { scopeMonth1 } from './scopeMonth1.ts';
export { readRows } from './sqlQuery.ts';
export { wilsonInterval } from './wilsonInterval.ts';
