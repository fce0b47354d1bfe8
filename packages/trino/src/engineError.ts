import type { TrinoTarget } from './engineUrl.ts';

export type EngineErrorCode =
  | 'engine_unreachable'
  | 'engine_auth'
  | 'engine_table_missing'
  | 'engine_column_missing'
  | 'engine_memory'
  | 'engine_time'
  | 'engine_query';

/** Bad configuration (exit 2): the user fixes the URL, credentials or mapping. */
const CONFIGURATION: ReadonlySet<EngineErrorCode> = new Set([
  'engine_auth',
  'engine_table_missing',
  'engine_column_missing',
]);

/**
 * A failure on the cluster, named for the person who runs Retain: which engine, and, where Trino
 * says, which table or column. `configuration` tells the CLI to exit 2 (something to fix in the
 * URL or mapping) rather than 1 (the cluster failed).
 */
export class EngineError extends Error {
  override readonly name = 'EngineError';
  constructor(
    message: string,
    readonly code: EngineErrorCode,
    readonly engine: string,
    readonly detail: { table?: string; column?: string; trinoError?: string } = {},
  ) {
    super(message);
  }

  get configuration(): boolean {
    return CONFIGURATION.has(this.code);
  }
}

interface TrinoQueryError {
  message: string;
  errorName: string;
  errorType: string;
}

function isQueryError(error: unknown): error is TrinoQueryError {
  return typeof error === 'object' && error !== null && 'errorName' in error && 'message' in error;
}

/** Maps what the client or the cluster reported to an EngineError. */
export function engineErrorFrom(error: unknown, target: TrinoTarget): EngineError {
  const engine = `Trino at ${target.host}:${target.port}`;
  if (isQueryError(error)) {
    const name = error.errorName;
    if (name === 'TABLE_NOT_FOUND' || name === 'SCHEMA_NOT_FOUND' || name === 'CATALOG_NOT_FOUND') {
      const table = /'([^']+)'/.exec(error.message)?.[1];
      return new EngineError(
        `${engine}: ${table ? `table ${table}` : 'a mapped table'} does not exist (${name.toLowerCase().replaceAll('_', ' ')})`,
        'engine_table_missing',
        engine,
        { table, trinoError: name },
      );
    }
    if (name === 'COLUMN_NOT_FOUND') {
      const column = /'([^']+)'/.exec(error.message)?.[1];
      return new EngineError(`${engine}: ${error.message}`, 'engine_column_missing', engine, {
        column,
        trinoError: name,
      });
    }
    if (name.startsWith('EXCEEDED_') && name.includes('MEMORY')) {
      return new EngineError(
        `${engine} stopped the query at its memory limit (${name}); raise query.max-memory on the cluster or narrow the data mapped`,
        'engine_memory',
        engine,
        { trinoError: name },
      );
    }
    if (name.startsWith('EXCEEDED_') && name.includes('TIME')) {
      return new EngineError(
        `${engine} stopped the query at its time limit (${name})`,
        'engine_time',
        engine,
        {
          trinoError: name,
        },
      );
    }
    if (name === 'PERMISSION_DENIED') {
      return new EngineError(`${engine} refused access: ${error.message}`, 'engine_auth', engine, {
        trinoError: name,
      });
    }
    return new EngineError(`${engine}: ${error.message}`, 'engine_query', engine, { trinoError: name });
  }
  const status = (error as { response?: { status?: number } })?.response?.status;
  if (status === 401 || status === 403) {
    return new EngineError(
      `${engine} refused the credentials of user ${target.user} (HTTP ${status})`,
      'engine_auth',
      engine,
    );
  }
  const code = (error as { code?: string })?.code;
  if (
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === 'ETIMEDOUT' ||
    code === 'ECONNRESET' ||
    code === 'EAI_AGAIN'
  ) {
    return new EngineError(
      `${engine} cannot be reached (${code}): is the cluster running, and is this the coordinator's address?`,
      'engine_unreachable',
      engine,
    );
  }
  if (status !== undefined) {
    return new EngineError(`${engine} answered HTTP ${status}`, 'engine_query', engine);
  }
  return new EngineError(
    `${engine}: ${error instanceof Error ? error.message : String(error)}`,
    'engine_query',
    engine,
  );
}
