import { type DuckDBConnection, type DuckDBResultReader, StatementType } from '@duckdb/node-api';
import { QueryError, type QueryErrorKind } from '../errors.ts';
import type { Warehouse } from '../Warehouse.ts';
import { checkReadOnlySql } from './checkReadOnlySql.ts';
import { CONSOLE_SCHEMA, type ConsoleAccess } from './consoleSchemas.ts';

/** Statement types the SQL console may run: reads only. DESCRIBE, SUMMARIZE, SHOW parse as SELECT. */
const ALLOWED = new Set<StatementType>([StatementType.SELECT, StatementType.EXPLAIN]);

export interface ReadOnlyQueryOptions {
  /** The query is interrupted after this long (default 30 s). */
  timeoutMs?: number;
  /** Rows returned at most; `truncated` says when there were more (default 10,000). */
  rowCap?: number;
  /** Which console views the query sees: all columns, or personal fields masked (default). */
  access?: ConsoleAccess;
}

export interface QueryColumn {
  name: string;
  type: string;
}

export type QueryCell = string | number | boolean | null;

export interface ReadOnlyQueryResult {
  columns: QueryColumn[];
  rows: QueryCell[][];
  truncated: boolean;
  elapsedMs: number;
}

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/;

/**
 * Runs one statement of user SQL on a connection of its own, inside a READ ONLY transaction, after
 * DuckDB's own parser has said it is exactly one read statement. Interrupted at the timeout.
 */
export async function readOnlyQuery(
  warehouse: Warehouse,
  sql: string,
  options: ReadOnlyQueryOptions = {},
): Promise<ReadOnlyQueryResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const rowCap = options.rowCap ?? 10_000;
  const conn = await warehouse.connect();
  const started = performance.now();
  let timedOut = false;
  try {
    const schema = CONSOLE_SCHEMA[options.access ?? 'masked'];
    // Unqualified names resolve to the console's views only.
    const prepared = await prepareSingleRead(conn, sql, schema);
    if (prepared.statementType === StatementType.SELECT) {
      const views = (
        await conn.runAndReadAll('SELECT view_name FROM duckdb_views() WHERE schema_name = $schema', {
          schema,
        })
      ).getRows();
      await checkReadOnlySql(conn, sql, schema, new Set(views.map((r) => String(r[0]).toLowerCase())));
    }
    await conn.run('BEGIN TRANSACTION READ ONLY');
    const timer = setTimeout(() => {
      timedOut = true;
      conn.interrupt();
    }, timeoutMs);
    let reader: DuckDBResultReader;
    try {
      reader = await prepared.streamAndReadUntil(rowCap + 1);
    } finally {
      clearTimeout(timer);
    }
    const columns = reader
      .columnNames()
      .map((name, i) => ({ name, type: reader.columnTypes()[i]?.toString() ?? 'UNKNOWN' }));
    const json = reader.getRowsJson();
    const rows = json.slice(0, rowCap).map((row) =>
      row.map((value, i): QueryCell => {
        if (value === null || typeof value === 'boolean' || typeof value === 'number') return value;
        if (typeof value === 'string') return NUMERIC.test(columns[i]?.type ?? '') ? Number(value) : value;
        return JSON.stringify(value);
      }),
    );
    return { columns, rows, truncated: json.length > rowCap, elapsedMs: performance.now() - started };
  } catch (error) {
    if (error instanceof QueryError) throw error;
    if (timedOut)
      throw new QueryError('timeout', `The query ran longer than ${timeoutMs / 1000} s and was stopped.`);
    throw toQueryError(error, sql);
  } finally {
    await conn.run('ROLLBACK').catch(() => undefined);
    warehouse.disconnect(conn);
  }
}

/**
 * Parses with DuckDB, refuses anything but exactly one read statement, and prepares it with
 * unqualified names resolving to `schema`.
 */
export async function prepareSingleRead(conn: DuckDBConnection, sql: string, schema: string) {
  let extracted: Awaited<ReturnType<DuckDBConnection['extractStatements']>>;
  try {
    extracted = await conn.extractStatements(sql);
  } catch (error) {
    throw toQueryError(error, sql, 'syntax');
  }
  if (extracted.count === 0) throw new QueryError('refused', 'There is no statement to run.');
  if (extracted.count > 1)
    throw new QueryError('refused', `Run one statement at a time (found ${extracted.count}).`);
  // First the statement's kind as DuckDB binds it against the warehouse's own tables (the console's
  // views share their names), so that a write is refused as a write, not as a missing table.
  try {
    const probe = await extracted.prepare(0);
    const kind = probe.statementType;
    probe.destroySync();
    if (!ALLOWED.has(kind)) throw refusedKind(kind);
  } catch (error) {
    if (error instanceof QueryError) throw error;
    // Not bindable against the tables; the real preparation below reports why.
  }
  await conn.run(`SET search_path = '${schema}'`);
  let prepared: Awaited<ReturnType<typeof extracted.prepare>>;
  try {
    // An extracted statement prepares once; extract again for the console's search path.
    prepared = await (await conn.extractStatements(sql)).prepare(0);
  } catch (error) {
    throw toQueryError(error, sql);
  }
  if (!ALLOWED.has(prepared.statementType)) {
    const kind = prepared.statementType;
    prepared.destroySync();
    throw refusedKind(kind);
  }
  return prepared;
}

function refusedKind(kind: StatementType): QueryError {
  const name = StatementType[kind] ?? 'this kind of';
  const pivot =
    kind === StatementType.CREATE
      ? " A PIVOT must list its values: PIVOT t ON col IN ('a', 'b') USING sum(x)."
      : '';
  return new QueryError(
    'refused',
    `Only reading queries can run here (SELECT, WITH, EXPLAIN, DESCRIBE, SUMMARIZE, SHOW); this is a ${name} statement.${pivot}`,
  );
}

/** DuckDB errors carry "LINE n:" and a caret under the offending token; turn that into an offset. */
function toQueryError(error: unknown, sql: string, kind: QueryErrorKind = 'runtime'): QueryError {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message.split('\n');
  const at = lines.findIndex((l) => /^LINE \d+:/.test(l));
  let position: number | null = null;
  if (at >= 0) {
    const lineNo = Number(/^LINE (\d+):/.exec(lines[at] ?? '')?.[1]);
    const prefix = /^LINE \d+: /.exec(lines[at] ?? '')?.[0].length ?? 0;
    const caret = (lines[at + 1] ?? '').indexOf('^');
    const shown = (lines[at] ?? '').slice(prefix);
    const sqlLines = sql.split('\n');
    const lineText = sqlLines[lineNo - 1] ?? '';
    // DuckDB may show a window of a long line ("...") rather than the whole line.
    const offsetInLine =
      caret >= prefix
        ? lineText.indexOf(shown.replace(/^\.\.\./, '').slice(0, 20)) +
          (caret - prefix) -
          (shown.startsWith('...') ? 3 : 0)
        : -1;
    if (offsetInLine >= 0)
      position = sqlLines.slice(0, lineNo - 1).reduce((n, l) => n + l.length + 1, 0) + offsetInLine;
  }
  const parserError = /^Parser Error/.test(message);
  return new QueryError(
    parserError ? 'syntax' : kind,
    lines
      .slice(0, at >= 0 ? at : 3)
      .join('\n')
      .trim(),
    position,
  );
}
