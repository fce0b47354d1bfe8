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
} from './cohortMatrix.ts';
export { complaintImpact, type ImpactPlan, impactPlan } from './complaintImpact.ts';
export { parsePeriodLabel, periodLabel } from './periods.ts';
export { type RepeatPlan, repeatPlan, repeatPurchase } from './repeatPurchase.ts';
export {
  type KpisPlan,
  kpisPlan,
  retentionKpis,
  type ScoresAt,
  type ScoresRunRef,
} from './retentionKpis.ts';
export { inSnapshot, readRows, type SqlQuery } from './sqlQuery.ts';
export { wilsonInterval } from './wilsonInterval.ts';
