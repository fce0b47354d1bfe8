import { type DuckDBConnection, type DuckDBResultReader, StatementType } from '@duckdb/node-api';
import { QueryError } from '../errors.ts';
import { engineSession, type Warehouse } from '../Warehouse.ts';
import { checkReadOnlySql } from './checkReadOnlySql.ts';
import { CONSOLE_SCHEMA, type ConsoleAccess } from './consoleSchemas.ts';
import { checkPlanReads, consoleAllowance, planReads } from './planReads.ts';
import { toQueryError } from './queryErrors.ts';

/** Statement types the SQL console may run: reads only. DESCRIBE, SUMMARIZE, SHOW parse as SELECT. */
const ALLOWED: ReadonlySet<StatementType> = new Set([StatementType.SELECT, StatementType.EXPLAIN]);
/** What an EXPLAIN may explain: EXPLAIN ANALYZE runs it. */
const PLAIN_READ: ReadonlySet<StatementType> = new Set([StatementType.SELECT]);

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
 * DuckDB's own parser has said it is exactly one read statement and DuckDB's binder has shown that
 * it reads nothing outside the console's views. Interrupted at the timeout.
 */
export async function readOnlyQuery(
  warehouse: Warehouse,
  sql: string,
  options: ReadOnlyQueryOptions = {},
): Promise<ReadOnlyQueryResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const rowCap = options.rowCap ?? 10_000;
  const access = options.access ?? 'masked';
  const session = await engineSession(warehouse);
  const conn = session.connection;
  const started = performance.now();
  let timedOut = false;
  try {
    const prepared = await prepareConsoleRead(conn, sql, CONSOLE_SCHEMA[access]);
    return await session.snapshot(async () => {
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
    });
  } catch (error) {
    if (error instanceof QueryError) throw withHint(error, access);
    if (timedOut)
      throw new QueryError('timeout', `The query ran longer than ${timeoutMs / 1000} s and was stopped.`);
    throw withHint(toQueryError(error, sql), access);
  } finally {
    session.close();
  }
}

/**
 * Everything that decides whether a statement may run, in order: exactly one statement (DuckDB's
 * parser); a SELECT, or an EXPLAIN of one (EXPLAIN ANALYZE runs its statement, so the statement is
 * judged, not the EXPLAIN); an early check of the parse tree with messages that name what is
 * refused; then the authoritative check, on DuckDB's bound plan, that every table and column it
 * scans is one the console's views for this access level read. Returns the statement prepared with
 * unqualified names resolving to `schema`.
 */
export async function prepareConsoleRead(conn: DuckDBConnection, sql: string, schema: string) {
  const extracted = await extractOne(conn, sql);
  // First the statement's kind as DuckDB binds it against the warehouse's own tables (the console's
  // views share their names), so that a write is refused as a write, not as a missing table.
  await refuseIfNotRead(extracted, ALLOWED);
  const explained = explainedStatement(sql);
  const read = explained ?? sql;
  if (explained !== null) await refuseIfNotRead(await extractOne(conn, explained), PLAIN_READ);

  await conn.run(`SET search_path = '${schema}'`);
  const views = (
    await conn.runAndReadAll('SELECT view_name FROM duckdb_views() WHERE schema_name = $schema', { schema })
  ).getRows();
  await checkReadOnlySql(conn, read, schema, new Set(views.map((r) => String(r[0]).toLowerCase())));
  let prepared: Awaited<ReturnType<typeof extracted.prepare>>;
  try {
    // An extracted statement prepares once; extract again for the console's search path.
    prepared = await (await conn.extractStatements(sql)).prepare(0);
  } catch (error) {
    throw toQueryError(error, sql);
  }
  try {
    if (!ALLOWED.has(prepared.statementType)) throw refusedKind(prepared.statementType);
    if (explained !== null) {
      const inner = await (await extractOne(conn, explained)).prepare(0);
      const kind = inner.statementType;
      inner.destroySync();
      if (kind !== StatementType.SELECT) throw refusedKind(kind);
    }
    checkPlanReads(await planReads(conn, read), await consoleAllowance(conn, schema));
  } catch (error) {
    prepared.destroySync();
    throw error instanceof QueryError ? error : toQueryError(error, sql);
  }
  return prepared;
}

async function extractOne(conn: DuckDBConnection, sql: string) {
  let extracted: Awaited<ReturnType<DuckDBConnection['extractStatements']>>;
  try {
    extracted = await conn.extractStatements(sql);
  } catch (error) {
    throw toQueryError(error, sql, 'syntax');
  }
  if (extracted.count === 0) throw new QueryError('refused', 'There is no statement to run.');
  if (extracted.count > 1)
    throw new QueryError('refused', `Run one statement at a time (found ${extracted.count}).`);
  return extracted;
}

async function refuseIfNotRead(
  extracted: Awaited<ReturnType<typeof extractOne>>,
  allowed: ReadonlySet<StatementType>,
): Promise<void> {
  try {
    const probe = await extracted.prepare(0);
    const kind = probe.statementType;
    probe.destroySync();
    if (!allowed.has(kind)) throw refusedKind(kind);
  } catch (error) {
    if (error instanceof QueryError) throw error;
    // Not bindable against the tables; the preparation for the console reports why.
  }
}

/** Comments and blanks before the first token. */
const LEADING = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/;

/**
 * The statement an EXPLAIN explains (`EXPLAIN [ANALYZE] [(options)] <statement>`), or null when
 * `sql` is not an EXPLAIN. The text is DuckDB's own grammar: the keyword, an optional ANALYZE or
 * ANALYSE, an optional parenthesised option list.
 */
export function explainedStatement(sql: string): string | null {
  let rest = sql.replace(LEADING, '');
  const keyword = /^explain\b/i.exec(rest);
  if (!keyword) return null;
  rest = rest.slice(keyword[0].length).replace(LEADING, '');
  const analyze = /^analy[sz]e\b/i.exec(rest);
  if (analyze) rest = rest.slice(analyze[0].length).replace(LEADING, '');
  if (rest.startsWith('(')) {
    let depth = 0;
    let end = 0;
    for (; end < rest.length; end++) {
      if (rest[end] === '(') depth += 1;
      else if (rest[end] === ')' && --depth === 0) break;
    }
    rest = rest.slice(end + 1);
  }
  return rest;
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

/** A masked console has no personal columns; say so when a query names one. */
function withHint(error: QueryError, access: ConsoleAccess): QueryError {
  if (access !== 'masked' || !/^Binder Error: .*"(name|email|phone|note)" not found/.test(error.message))
    return error;
  return new QueryError(
    error.kind,
    `${error.message}\n(Personal fields such as name, email, phone and call notes are not part of the console for your role.)`,
    error.position,
  );
}
