import {
  type ConsoleAccess,
  QueryError,
  type ReadOnlyQueryResult,
  readOnlyQuery,
  type Warehouse,
} from '@retain/warehouse';
import { auditAs, type Requester } from './requester.ts';

export interface AuditedQueryOptions {
  /** Rows at most; `truncated` says whether there were more. */
  rowCap: number;
  timeoutMs?: number;
  /** Masked personal fields for analysts; whole for admins and the CLI. */
  access: ConsoleAccess;
  requester: Requester;
  /** Kept with the audit entry, e.g. where the CLI sent the rows. */
  detail?: Record<string, unknown>;
}

/** The limits a console statement runs under, whichever engine runs it. */
export interface ConsoleLimits {
  rowCap: number;
  access: ConsoleAccess;
  timeoutMs?: number;
}

/**
 * Runs one read-only statement typed by a person (the SQL console, `retain query`) and writes an
 * `sql` audit entry whatever happens: the statement, how long it ran, the rows it returned, and for
 * a refused or failed one how it failed. The warehouse must have been secured for the console.
 */
export function runAuditedQuery(
  warehouse: Warehouse,
  sql: string,
  options: AuditedQueryOptions,
): Promise<ReadOnlyQueryResult> {
  return audited(warehouse, sql, options, {}, (limits) => readOnlyQuery(warehouse, sql, limits));
}

/**
 * Runs a console statement with `run` (the engine's own sandbox) under the options' limits, and
 * writes its `sql` audit entry to `warehouse` (with `where`, e.g. the engine it ran on) whatever
 * happens.
 */
export async function audited(
  warehouse: Warehouse,
  sql: string,
  options: AuditedQueryOptions,
  where: Record<string, unknown>,
  run: (limits: ConsoleLimits) => Promise<ReadOnlyQueryResult>,
): Promise<ReadOnlyQueryResult> {
  const started = performance.now();
  const audit = (detail: Record<string, unknown>) =>
    auditAs(warehouse, options.requester, 'sql', { sql, ...where, ...detail, ...options.detail });
  try {
    const result = await run({
      rowCap: options.rowCap,
      access: options.access,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    await audit({ ms: Math.round(result.elapsedMs), rows: result.rows.length, truncated: result.truncated });
    return result;
  } catch (error) {
    const outcome = error instanceof QueryError ? error.kind : 'error';
    await audit({ ms: Math.round(performance.now() - started), rows: 0, outcome });
    throw error;
  }
}
