export {
  CONSOLE_FACTS,
  CONTACT_COLUMNS,
  consoleFactsColumns,
  type EngineConsoleOptions,
  engineConsoleQuery,
} from './consoleSandbox.ts';
export { EngineError, type EngineErrorCode, engineErrorFrom } from './engineError.ts';
export { EngineConfigError, isTrinoUrl, parseTrinoUrl, type TrinoTarget } from './engineUrl.ts';
export { TrinoDb, type TrinoDbOptions, trinoLiteral } from './TrinoDb.ts';
export { EngineCapabilityError, trinoDialect } from './trinoDialect.ts';
