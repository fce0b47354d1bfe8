export type { AnalyticsTarget } from '@retain/analytics';
export {
  ANALYTICS_FACT_COLUMNS,
  type AnalyticsEngineChoice,
  checkFactsTables,
  chosenEngine,
  type EngineFactsInfo,
  engineCurrency,
  engineDataCurrency,
  engineFactsInfo,
  type OpenEngine,
  openEngine,
  withAnalyticsEngine,
} from './analyticsEngine.ts';
export { cohortMatrixReport, cohortTrendReport, kpisReport, repeatReport } from './analyticsReports.ts';
export { type AuditedQueryOptions, runAuditedQuery } from './auditedQuery.ts';
export {
  type CallListFileOptions,
  type CallListStreamOptions,
  exportCallListFile,
  exportMemoryMb,
  MAX_EXPORT_MB,
  streamCallList,
} from './callListExport.ts';
export {
  type CachedEngine,
  ENGINE_CACHE_TABLES,
  EngineResultCache,
  type EngineResultCacheOptions,
  ensureEngineCacheTables,
  type SourceVersion,
} from './engineCache.ts';
export { CALL_LIST_FACT_COLUMNS, CHURN_FACT_COLUMNS, churnFeatureEngine } from './engineChurn.ts';
export { engineConsoleTables, runEngineQuery } from './engineQuery.ts';
export {
  DEMO_CURRENCY,
  type DemoGenerated,
  type LoadFilesOptions,
  loadDemoFiles,
  loadFiles,
} from './loadFiles.ts';
export { type MapEngineTablesOptions, mapEngineTables, mappingNamesTables } from './mapEngineTables.ts';
export { preparePackageTables } from './packageTables.ts';
export { auditAs, type Requester } from './requester.ts';
export {
  loadDemoProgram,
  type SavedListExport,
  saveAndExportCallList,
  saveAndStreamCallList,
  saveList,
} from './retentionProgram.ts';
export { startTraining, trainModel } from './training.ts';
