export { type CallListOptions, callListPage, planCallList, requireScores } from './callList.ts';
export {
  type CallListSql,
  callListSql,
  readScoresSource,
  type ScoresSource,
  type SqlQuery,
} from './callListSql.ts';
export { type OutcomeToRecord, outcomesOf, recordOutcome } from './contactOutcomes.ts';
export { NoScoresError, UnknownCustomerError } from './errors.ts';
export {
  auditCallListExport,
  type ExportOptions,
  type ExportProgress,
  type ExportRequester,
  type ExportResult,
  exportCallList,
} from './exportCallList.ts';
export { type CallListCsvResult, type CsvWriteOptions, writeCallListCsv } from './writeCallListCsv.ts';
