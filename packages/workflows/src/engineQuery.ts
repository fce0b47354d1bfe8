import type { TrinoDb } from '@retain/trino';
import type { ConsoleAccess, ConsoleTable, ReadOnlyQueryResult, Warehouse } from '@retain/warehouse';
import { type AuditedQueryOptions, audited } from './auditedQuery.ts';

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
  const { host, port, catalog, schema } = engine.target;
  const where = { engine: `trino://${host}:${port}/${catalog}/${schema}` };
  return audited(warehouse, sql, options, where, async (limits) => {
    // The Trino client is loaded only when a cluster is used.
    const { engineConsoleQuery } = await import('@retain/trino');
    return engineConsoleQuery(engine, sql, limits);
  });
}

/**
 * The facts the console reads on a cluster, with their columns as the cluster types them (its
 * information schema); masked access leaves out the contact columns it may not read.
 */
export async function engineConsoleTables(engine: TrinoDb, access: ConsoleAccess): Promise<ConsoleTable[]> {
  const { consoleFactsColumns } = await import('@retain/trino');
  return consoleFactsColumns(engine, access);
}
