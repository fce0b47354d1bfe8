export { type CallListOptions, callListPage, planCallList, requireScores } from './callList.ts';
export {
  type CallListSql,
  callListSql,
  readScoresSource,
  type ScoresSource,
} from './callListSql.ts';
export { type OutcomeToRecord, outcomesOf, recordOutcome } from './contactOutcomes.ts';
export {
  FACT_BATCH,
  type StagedFacts,
  type StageOptions,
  stageEngineFacts,
  withStagedFacts,
} from './engineFacts.ts';
export { NoScoresError, UnknownCustomerError, UnknownListError } from './errors.ts';
export {
  auditCallListExport,
  type ExportOptions,
  type ExportProgress,
  type ExportRequester,
  type ExportResult,
  exportCallList,
} from './exportCallList.ts';
export { controlDraw } from './program/controlDraw.ts';
export { type ArmTotals, listEffect, pooledEffect } from './program/effectStats.ts';
export { readUpliftStatus, refreshUpliftModel } from './program/fitUplift.ts';
export { type CallListFiles, loadCallLists } from './program/loadCallLists.ts';
export { measureProgram } from './program/measureProgram.ts';
export { ensureOutreachTables } from './program/programTables.ts';
export { type SaveListOptions, saveCallList } from './program/saveCallList.ts';
export { listCallLists, savedList } from './program/savedLists.ts';
export {
  fitUpliftModel,
  predictUplift,
  qini,
  type UpliftModel,
  type UpliftRow,
} from './program/upliftModel.ts';
export { type CallListCsvResult, type CsvWriteOptions, writeCallListCsv } from './writeCallListCsv.ts';
