import type { TrinoDb } from '@retain/trino';
import {
  type ConsoleAccess,
  type ConsoleTable,
  QueryError,
  type ReadOnlyQueryResult,
  type Warehouse,
} from '@retain/warehouse';
import type { AuditedQueryOptions } from './auditedQuery.ts';
import { auditAs } from './requester.ts';

/**
 * The SQL console on a Trino cluster (`retain query --engine`, the API's console on an engine):
 * one read-only statement over the mapped facts, checked on the cluster's plan before it is sent
 * (see engineConsoleQuery), with the same result as the embedded console and the same `sql` audit
 * entry, written to the local `warehouse` (where Retain keeps its audit log), naming the engine.
 */
export async function runEngineQuery(
  warehouse: Warehouse,
  engine: TrinoDb,
  sql: string,
  options: AuditedQueryOptions,
): Promise<ReadOnlyQueryResult> {
  const started = performance.now();
  const { host, port, catalog, schema } = engine.target;
  const audit = (detail: Record<string, unknown>) =>
    auditAs(warehouse, options.requester, 'sql', {
      sql,
      engine: `trino://${host}:${port}/${catalog}/${schema}`,
      ...detail,
      ...options.detail,
    });
  try {
    // The Trino client is loaded only when a cluster is used.
    const { engineConsoleQuery } = await import('@retain/trino');
    const result = await engineConsoleQuery(engine, sql, {
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

/**
 * The facts the console reads on a cluster, with their columns as the cluster types them (its
 * information schema); masked access leaves out the contact columns it may not read.
 */
export async function engineConsoleTables(engine: TrinoDb, access: ConsoleAccess): Promise<ConsoleTable[]> {
  const { consoleFactsColumns } = await import('@retain/trino');
  return consoleFactsColumns(engine, access);
}
