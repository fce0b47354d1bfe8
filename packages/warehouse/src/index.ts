export { csvLineSql, csvNumberSql, csvTextSql } from './csvSql.ts';
export { dataCurrency, storeCurrency, storedCurrency } from './currency.ts';
export type { CsvReadOptions, CsvWriteOptions, DatePart, Dialect, SqlType } from './dialect/Dialect.ts';
export { duckdbDialect } from './dialect/duckdb/duckdbDialect.ts';
export {
  BadInputError,
  isBadInput,
  ParameterError,
  QueryError,
  type QueryErrorKind,
  WarehouseLockedError,
} from './errors.ts';
export { type FilterValues, filterValues } from './filterValues.ts';
export { warehouseInfo } from './info.ts';
export { FALSE_WORDS, SEVERITY_WORDS, TRUE_WORDS, ZONE_ABBREVIATIONS } from './ingest/converters.ts';
export { checkedCurrency, type IngestOptions, type IngestProgress, ingest } from './ingest/ingest.ts';
export { inspectSource } from './ingest/inspectSource.ts';
export { mappingToRequests, parseMapping, readMappingFile, readMappingJson } from './ingest/mappingFile.ts';
export type { SectionRequest } from './ingest/plan.ts';
export { DATE_FORMAT_CANDIDATES, type MappingProposal, proposeMapping } from './ingest/proposeMapping.ts';
export { unknownValues, type ValueColumn, type ValueSource } from './knownValues.ts';
export { type OrdersRelationOptions, ordersRelation } from './orders.ts';
export { ensureOwnedTables, migrateOwnedTables, type OwnedTables, ownedTablesExist } from './ownedTables.ts';
export {
  dbBoolean,
  dbDay,
  dbInstant,
  dbNullableNumber,
  dbNumber,
  dbRecord,
  dbRow,
  dbText,
} from './query/columnTypes.ts';
export type { Appender, ColumnRequest, Columns, Db, DbSession } from './query/Db.ts';
export {
  ANALYTICS_FINGERPRINT_PARTS,
  type FingerprintPart,
  factsFingerprint,
} from './query/factsFingerprint.ts';
export { Sql, type SqlParam, type SqlPiece, sql } from './query/sql.ts';
export { CONSOLE_EXAMPLE } from './sandbox/consoleExample.ts';
export {
  CONSOLE_SCHEMA,
  type ConsoleAccess,
  type ConsoleTable,
  consoleTables,
  prepareConsoleSchemas,
} from './sandbox/consoleSchemas.ts';
export {
  type QueryCell,
  type QueryColumn,
  type ReadOnlyQueryOptions,
  type ReadOnlyQueryResult,
  readOnlyQuery,
} from './sandbox/readOnlyQuery.ts';
export { type ConsoleSecurity, defaultMemoryLimit, secureForConsole } from './sandbox/secureForConsole.ts';
export { deleteSavedQuery, listSavedQueries, type SavedQuery, saveQuery } from './savedQueries.ts';
export { readMeta, SCHEMA_VERSION, writeMeta } from './schema.ts';
export { sqlIdent, sqlString } from './sql.ts';
export { Warehouse, type WarehouseOptions } from './Warehouse.ts';
