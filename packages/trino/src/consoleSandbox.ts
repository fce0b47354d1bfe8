import {
  type ConsoleAccess,
  type QueryCell,
  type QueryColumn,
  QueryError,
  type ReadOnlyQueryResult,
  sql,
} from '@retain/warehouse';
import type { QueryResult } from 'trino-client';
import { z } from 'zod';
import type { TrinoDb } from './TrinoDb.ts';

/*
 * The SQL console on a Trino cluster. Nothing the person typed is sent for execution before the
 * cluster itself has said, in a plan it computed without running anything, what the statement
 * reads: every table it scans with the columns it reads, and every table function. The statement
 * runs only when all of that is what the console's mapped facts read, and nothing else:
 * - the text is one statement and a query (SELECT, WITH, VALUES, TABLE), checked by a lexer that
 *   knows Trino's strings, quoted names and comments, so that nothing but a query reaches EXPLAIN;
 * - the plan (EXPLAIN (TYPE LOGICAL, FORMAT JSON): names resolved, views expanded, CTEs inlined)
 *   may scan only what `SELECT … FROM <fact>` scans for the four facts of the URL's schema, with
 *   the columns those read; for 'masked' access the customers' contact columns are left out of
 *   that allowance, so a query reading them by any expression or subquery is refused, naming them;
 * - when a fact is a view over the retailer's own tables, those tables are allowed only when
 *   reached through the view: the plan is computed once more with the facts' names bound to empty
 *   stand-ins, and any scan of such a table left in it was reached some other way (its own name,
 *   a view elsewhere, a qualified name) and is refused.
 */

/** The canonical facts tables the console offers on an engine, in the URL's catalog and schema. */
export const CONSOLE_FACTS = ['customers', 'purchases', 'complaints', 'returns'] as const;

/** Customers' columns that reach a person: read only with 'full' access. */
export const CONTACT_COLUMNS: readonly string[] = ['name', 'email', 'phone'];

/** Table functions that compute rather than read. */
const ALLOWED_TABLE_FUNCTIONS: ReadonlySet<string> = new Set(['sequence']);

/** Plan nodes that write: never part of a query, refused whatever the text looked like. */
const WRITERS =
  /^(TableWriter|TableFinish|TableCommit|TableDelete|TableUpdate|TableExecute|Merge\w*|Refresh\w*)$/;

export interface EngineConsoleOptions {
  /** Rows returned at most; `truncated` says when there were more (default 10,000). */
  rowCap?: number;
  /** The query is stopped after this long (default 30 s). */
  timeoutMs?: number;
  /** 'masked' (the default) refuses the customers' contact columns. */
  access?: ConsoleAccess;
}

/**
 * Runs one console statement on `db`'s cluster with the embedded console's result shape, after the
 * checks described at the top of this file. Refusals, syntax errors and failures are QueryErrors
 * worded for the person; a cluster that cannot be reached or refuses the credentials is an
 * EngineError, as for every other read on an engine.
 */
export async function engineConsoleQuery(
  db: TrinoDb,
  text: string,
  options: EngineConsoleOptions = {},
): Promise<ReadOnlyQueryResult> {
  const rowCap = options.rowCap ?? 10_000;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const access = options.access ?? 'masked';
  const started = performance.now();
  const statement = oneQuery(text);
  const allowance = await consoleAllowance(db, access);
  checkReads(planReads(await explain(db, statement)), allowance, access);
  if (allowance.underlying.size > 0)
    checkThroughFacts(await explain(db, shadowed(statement, allowance)), allowance);
  return execute(db, statement, { rowCap, timeoutMs, started });
}

// ---------------------------------------------------------------------------------------------
// The text: one statement, a query.

/** The statement without a trailing semicolon, or a refusal: none, several, or not a query. */
export function oneQuery(text: string): string {
  const tokens = lex(text);
  const semicolons = tokens.filter((t) => t.kind === 'semicolon');
  let end = text.length;
  const last = tokens.at(-1);
  if (last?.kind === 'semicolon') end = last.start;
  const body = tokens.filter((t) => t.start < end && t.kind !== 'semicolon');
  const statements = semicolons.filter((t) => t.start < end).length + 1;
  if (body.length === 0) throw new QueryError('refused', 'There is no statement to run.');
  if (statements > 1) throw new QueryError('refused', `Run one statement at a time (found ${statements}).`);
  const first = body.find((t) => t.kind !== 'open');
  const keyword = first?.kind === 'word' ? first.text.toUpperCase() : '';
  if (!['SELECT', 'WITH', 'VALUES', 'TABLE'].includes(keyword)) {
    throw new QueryError(
      'refused',
      `Only queries can run on an engine (SELECT, WITH, VALUES, TABLE); this statement starts with ${keyword || (first?.text ?? '')}.`,
    );
  }
  return text.slice(0, end).trimEnd();
}

interface Token {
  kind: 'word' | 'open' | 'semicolon' | 'other';
  text: string;
  start: number;
}

/** Trino's tokens, as far as the console needs them: comments, strings and quoted names skipped. */
function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    const rest = text.slice(i);
    if (/\s/.test(c)) i += 1;
    else if (rest.startsWith('--')) i = lineEnd(text, i);
    else if (rest.startsWith('/*')) {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) throw new QueryError('syntax', 'A comment is not closed (*/).', i);
      i = close + 2;
    } else if (c === "'" || c === '"' || /^[uUxX]&?['"]/.test(rest)) {
      const open = rest.search(/['"]/);
      const quote = rest[open] ?? "'";
      let j = i + open + 1;
      for (;;) {
        const k = text.indexOf(quote, j);
        if (k < 0)
          throw new QueryError('syntax', `A quoted ${quote === "'" ? 'string' : 'name'} is not closed.`, i);
        if (text[k + 1] === quote) j = k + 2;
        else {
          j = k + 1;
          break;
        }
      }
      tokens.push({ kind: 'other', text: text.slice(i, j), start: i });
      i = j;
    } else if (/[A-Za-z_]/.test(c)) {
      const word = /^[A-Za-z_][\w@$]*/.exec(rest)?.[0] ?? c;
      tokens.push({ kind: 'word', text: word, start: i });
      i += word.length;
    } else {
      tokens.push({ kind: c === ';' ? 'semicolon' : c === '(' ? 'open' : 'other', text: c, start: i });
      i += 1;
    }
  }
  return tokens;
}

function lineEnd(text: string, from: number): number {
  const k = text.indexOf('\n', from);
  return k < 0 ? text.length : k + 1;
}

// ---------------------------------------------------------------------------------------------
// The plan: what the cluster says the statement reads.

interface PlanNode {
  name?: string;
  descriptor?: Record<string, string>;
  details?: string[];
  children?: PlanNode[];
}

/**
 * One table the plan scans (its handle as Trino prints it), the lines of its node (`symbol :=
 * column handle`, and for a scan merged with a projection also `symbol := expression`), and the
 * columns the connector filters on itself.
 */
interface Scan {
  table: string;
  lines: Array<{ symbol: string; source: string }>;
  constrained: string[];
}

interface PlanReads {
  scans: Scan[];
  tableFunctions: string[];
  writes: string[];
}

const EXPLAIN_PREFIX = 'EXPLAIN (TYPE LOGICAL, FORMAT JSON)\n';

/** The cluster's plan of `statement`, computed without running it. */
async function explain(db: TrinoDb, statement: string): Promise<PlanNode> {
  const text = await fetchAll(db, `${EXPLAIN_PREFIX}${statement}`, {}, (error) =>
    analysisError(error, statement, 2),
  );
  const json = text.rows[0]?.[0];
  try {
    return JSON.parse(String(json)) as PlanNode;
  } catch {
    throw new QueryError('refused', 'This query cannot be checked, so it does not run here.');
  }
}

const LINE = /^(\S+) := (.+)$/;

/** Every scan, table function and writer of a plan (the JSON tree of EXPLAIN (TYPE LOGICAL)). */
function planReads(root: PlanNode): PlanReads {
  const reads: PlanReads = { scans: [], tableFunctions: [], writes: [] };
  const visit = (node: PlanNode) => {
    const name = node.name ?? '';
    const table = node.descriptor?.table;
    if (table !== undefined) {
      // "lake:sales:customers constraint on [email]": a predicate the connector applies itself reads
      // that column too, even where the plan no longer lists it.
      const constraint = /\s+constraint on \[(.*)\]$/.exec(table);
      const lines = (node.details ?? []).flatMap((d) => {
        const line = LINE.exec(d);
        return line ? [{ symbol: line[1] ?? '', source: line[2] ?? '' }] : [];
      });
      const constrained = constraint?.[1] ? constraint[1].split(', ') : [];
      reads.scans.push({ table: constraint ? table.slice(0, constraint.index) : table, lines, constrained });
    } else if (name.startsWith('TableFunction')) {
      reads.tableFunctions.push(node.descriptor?.name ?? name);
    }
    if (WRITERS.test(name)) reads.writes.push(name);
    for (const child of node.children ?? []) visit(child);
  };
  visit(root);
  return reads;
}

/**
 * The tables (as plan handles) and columns the console may read, for one access level. Columns are
 * the connector's handles as the plan prints them (`email:string:REGULAR` on Hive), compared as
 * printed, so that the check does not depend on one connector's way of writing them.
 */
interface Allowance {
  columns: Map<string, Set<string>>;
  /** Every visible column handle of those tables, allowed or not. */
  known: Map<string, Set<string>>;
  /** Handles of the facts themselves (`lake:sales:purchases`). */
  facts: Set<string>;
  /** Tables read only underneath facts that are views: allowed only through them. */
  underlying: Set<string>;
  /** Each fact's columns and types, for the stand-ins of the second plan. */
  shapes: Map<string, Array<{ name: string; type: string }>>;
}

const allowances = new WeakMap<TrinoDb, Map<ConsoleAccess, { at: number; allowance: Promise<Allowance> }>>();
/** The mapping can change under a long-lived connection (a view redefined): computed again after this. */
const ALLOWANCE_TTL_MS = 60_000;

const columnRow = z.object({ table_name: z.string(), column_name: z.string(), data_type: z.string() });

/**
 * What the console's facts read on the cluster: the union of the scans of `SELECT <columns> FROM
 * <fact>` over the facts the schema holds, with the contact columns left out for 'masked' access.
 */
async function consoleAllowance(db: TrinoDb, access: ConsoleAccess): Promise<Allowance> {
  const cache = allowances.get(db) ?? new Map();
  allowances.set(db, cache);
  const known = cache.get(access);
  if (known && performance.now() - known.at < ALLOWANCE_TTL_MS) return known.allowance;
  const allowance = computeAllowance(db, access);
  cache.set(access, { at: performance.now(), allowance });
  allowance.catch(() => cache.delete(access));
  return allowance;
}

async function computeAllowance(db: TrinoDb, access: ConsoleAccess): Promise<Allowance> {
  const { catalog, schema } = db.target;
  const rows = await db.query(
    sql`SELECT table_name, column_name, data_type FROM ${sql.ident(catalog)}.information_schema.columns
        WHERE table_schema = ${schema} AND table_name IN (${sql.join(CONSOLE_FACTS.map((t) => sql`${t}`))})
        ORDER BY table_name, ordinal_position`,
    columnRow,
  );
  const allowance: Allowance = {
    columns: new Map(),
    known: new Map(),
    facts: new Set(),
    underlying: new Set(),
    shapes: new Map(),
  };
  for (const row of rows) {
    const shape = allowance.shapes.get(row.table_name) ?? [];
    shape.push({ name: row.column_name, type: row.data_type });
    allowance.shapes.set(row.table_name, shape);
  }
  const scanned = new Set<string>();
  for (const [fact, shape] of allowance.shapes) {
    allowance.facts.add(`${catalog}:${schema}:${fact}`);
    const exposed = shape
      .map((c) => c.name)
      .filter((c) => !(access === 'masked' && fact === 'customers' && CONTACT_COLUMNS.includes(c)));
    if (exposed.length === 0) continue;
    const reads = planReads(
      await explain(
        db,
        `SELECT ${exposed.map(quoteName).join(', ')} FROM ${[catalog, schema, fact].map(quoteName).join('.')}`,
      ),
    );
    for (const scan of reads.scans) {
      scanned.add(scan.table);
      const columns = allowance.columns.get(scan.table) ?? new Set<string>();
      for (const line of scan.lines) columns.add(line.source);
      allowance.columns.set(scan.table, columns);
    }
  }
  for (const table of scanned) {
    if (!allowance.facts.has(table)) allowance.underlying.add(table);
    const parts = table.split(/\s/)[0]?.split(':') ?? [];
    if (parts.length !== 3) continue;
    const every = planReads(await explain(db, `SELECT * FROM ${parts.map(quoteName).join('.')}`));
    allowance.known.set(table, new Set(every.scans.flatMap((scan) => scan.lines.map((line) => line.source))));
  }
  return allowance;
}

const quoteName = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** A plan handle as a person reads it: `system:runtime.queries` → system.runtime.queries. */
function tableName(handle: string): string {
  const info = /^(\w+):InformationSchemaTableHandle\[.*table=(\w+)/.exec(handle);
  if (info) return `${info[1]}.information_schema.${info[2]?.toLowerCase()}`;
  return handle.split(/\s/)[0]?.replaceAll(':', '.') ?? handle;
}

function checkReads(reads: PlanReads, allowance: Allowance, access: ConsoleAccess): void {
  if (reads.writes.length > 0)
    throw new QueryError('refused', 'Only queries can run on an engine; this statement writes.');
  for (const fn of reads.tableFunctions) {
    if (!ALLOWED_TABLE_FUNCTIONS.has(fn.toLowerCase()))
      throw new QueryError(
        'refused',
        `The table function ${fn}() is not available in the SQL console; query the tables instead.`,
      );
  }
  for (const scan of reads.scans) {
    const allowed = allowance.columns.get(scan.table);
    const name = tableName(scan.table);
    if (!allowed)
      throw new QueryError(
        'refused',
        `This query reads a table the SQL console does not offer (${name}); it offers ${[...allowance.shapes.keys()].join(', ')}.`,
      );
    const hidden = [...new Set(unallowedColumns(scan, allowed, allowance.known.get(scan.table)))];
    if (hidden.length > 0) {
      const contact = access === 'masked' && hidden.some((c) => CONTACT_COLUMNS.includes(c));
      throw new QueryError(
        'refused',
        `This query reads ${hidden.length === 1 ? 'a column' : 'columns'} of ${name} that your console does not show (${hidden.join(', ')}).${contact ? ' Contact details (name, email, phone) are not part of the console for your role.' : ''}`,
      );
    }
  }
}

/** A column handle as a person reads it: `email:string:REGULAR` → email. */
const columnName = (source: string) => /^([^\s:]+):\S*:[A-Z_]+$/.exec(source)?.[1] ?? source;

/**
 * The columns a scan reads outside the allowance. A line is a column of the table when its source
 * is one of the table's handles; an unknown one (a hidden column such as "$path") is refused unless
 * it is an expression over the node's own columns (a projection Trino printed with the scan), whose
 * inputs have lines of their own.
 */
function unallowedColumns(scan: Scan, allowed: Set<string>, known: Set<string> = new Set()): string[] {
  const hidden: string[] = [];
  const names = new Set([...allowed].map(columnName));
  for (const { symbol, source } of scan.lines) {
    if (allowed.has(source)) continue;
    if (known.has(source) || !isProjection(source, symbol, scan)) hidden.push(columnName(source));
  }
  for (const name of scan.constrained) if (!names.has(name)) hidden.push(name);
  return hidden;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether `source` is an expression over another of the node's symbols (string literals aside). */
function isProjection(source: string, own: string, scan: Scan): boolean {
  const text = source.replace(/'(?:[^']|'')*'/g, "''");
  return scan.lines.some(
    ({ symbol }) => symbol !== own && new RegExp(`(?<![\\w$])${escapeRegExp(symbol)}(?![\\w$])`).test(text),
  );
}

/**
 * The statement with every fact's name bound to a stand-in of the same columns: whatever still
 * scans a table underneath a fact did not reach it through the fact. The stand-in must look to the
 * optimizer like any table (not empty, not constant), or it would drop whatever is joined with it,
 * and a read of the table underneath along with it: one row from a table function, its values
 * computed from that row.
 */
function shadowed(statement: string, allowance: Allowance): string {
  const value = (type: string) =>
    SCALAR.test(type)
      ? `CAST(CAST(sequential_number AS varchar) AS ${type})`
      : `IF(sequential_number < 0, CAST(NULL AS ${type}))`;
  const ctes = [...allowance.shapes].map(
    ([fact, shape]) =>
      `${quoteName(fact)} AS (SELECT ${shape.map((c) => `${value(c.type)} AS ${quoteName(c.name)}`).join(', ')} FROM TABLE(sequence(start => 0, stop => 0)))`,
  );
  return `WITH ${ctes.join(', ')}\nSELECT * FROM (\n${statement}\n) AS console_query`;
}

/** Types a text casts to. */
const SCALAR = /^(varchar|char|tinyint|smallint|integer|bigint|real|double|decimal|date|timestamp|boolean)\b/;

function checkThroughFacts(plan: PlanNode, allowance: Allowance): void {
  for (const scan of planReads(plan).scans) {
    if (allowance.underlying.has(scan.table))
      throw new QueryError(
        'refused',
        `This query reads ${tableName(scan.table)} other than through the mapped tables (${[...allowance.shapes.keys()].join(', ')}); query those, by their names alone.`,
      );
  }
}

// ---------------------------------------------------------------------------------------------
// Running it.

interface Fetched {
  columns: QueryColumn[];
  rows: unknown[][];
  truncated: boolean;
}

type TrinoFailure = NonNullable<QueryResult['error']> & {
  errorLocation?: { lineNumber: number; columnNumber: number };
};

/** Reads a statement's pages up to `cap` rows (then cancels it); Trino's error is worded by `word`. */
async function fetchAll(
  db: TrinoDb,
  text: string,
  session: Record<string, string>,
  word: (error: TrinoFailure) => QueryError,
  cap = Number.POSITIVE_INFINITY,
  onId?: (id: string) => void,
): Promise<Fetched> {
  const fetched: Fetched = { columns: [], rows: [], truncated: false };
  for await (const page of db.rawPages(text, session)) {
    onId?.(page.id);
    if (page.error) throw word(page.error as TrinoFailure);
    if (page.columns && fetched.columns.length === 0) fetched.columns = page.columns;
    for (const row of page.data ?? []) {
      if (fetched.rows.length >= cap) {
        fetched.truncated = true;
        return fetched; // leaving the loop cancels the query
      }
      fetched.rows.push(row);
    }
  }
  return fetched;
}

async function execute(
  db: TrinoDb,
  statement: string,
  run: { rowCap: number; timeoutMs: number; started: number },
): Promise<ReadOnlyQueryResult> {
  let id: string | null = null;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (id) void db.cancel(id);
  }, run.timeoutMs);
  const seconds = Math.max(1, Math.ceil(run.timeoutMs / 1000));
  const stopped = () =>
    new QueryError('timeout', `The query ran longer than ${run.timeoutMs / 1000} s and was stopped.`);
  try {
    const fetched = await fetchAll(
      db,
      statement,
      { query_max_execution_time: `${seconds}s` },
      (error) =>
        timedOut || /TIME_LIMIT/.test(error.errorName) ? stopped() : runtimeError(error, statement),
      run.rowCap,
      (queryId) => {
        id = queryId;
      },
    );
    const columns = fetched.columns.map((c) => ({ name: c.name, type: c.type }));
    const rows = fetched.rows.map((row) => row.map((value, i) => cell(columns[i]?.type ?? '', value)));
    return { columns, rows, truncated: fetched.truncated, elapsedMs: performance.now() - run.started };
  } catch (error) {
    // Once cancelled, the cluster may answer with an error of its own or end the exchange.
    if (timedOut) throw stopped();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

const NUMERIC = /^(tinyint|smallint|integer|bigint|real|double|decimal)\b/;

/** A Trino value as the embedded console gives it: numbers as numbers, times as DuckDB prints them. */
function cell(type: string, value: unknown): QueryCell {
  if (value === null || value === undefined) return null;
  if (NUMERIC.test(type)) return Number(value);
  if (typeof value === 'boolean' || typeof value === 'number') return value;
  if (typeof value === 'string') {
    // DuckDB leaves out a zero fraction of a second and the fraction's trailing zeros.
    return type.startsWith('timestamp')
      ? value.replace(/(\.\d*?)0+(?=$|\s)/, '$1').replace(/\.(?=$|\s)/, '')
      : value;
  }
  return JSON.stringify(value);
}

// ---------------------------------------------------------------------------------------------
// Errors worded for the person.

/**
 * An error from planning: it comes from the statement's text and the catalog (a name that does not
 * resolve, a syntax error), never from rows, so Trino's own sentence is shown, without its
 * "line L:C:" prefix, which becomes a position in the person's text.
 */
function analysisError(error: TrinoFailure, statement: string, firstLine: number): QueryError {
  const located = /^line (\d+):(\d+): ([\s\S]*)$/.exec(error.message);
  const lineNumber = error.errorLocation?.lineNumber ?? Number(located?.[1] ?? Number.NaN);
  const columnNumber = error.errorLocation?.columnNumber ?? Number(located?.[2] ?? Number.NaN);
  const message = (located?.[3] ?? error.message).split('\n')[0] ?? '';
  let position: number | null = null;
  const line = lineNumber - firstLine;
  if (Number.isInteger(line) && line >= 0 && Number.isInteger(columnNumber)) {
    const lines = statement.split('\n');
    if (line < lines.length)
      position = lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0) + columnNumber - 1;
  }
  if (error.errorType !== 'USER_ERROR')
    return new QueryError('refused', 'This query cannot be checked, so it does not run here.', position);
  const kind = error.errorName === 'SYNTAX_ERROR' ? 'syntax' : 'refused';
  return new QueryError(
    kind,
    message.length > 0 && message.length < 500 ? message : 'The query cannot run here.',
    position,
  );
}

/** Errors raised while rows are processed can quote their values: named, never quoted. */
const RUNTIME_WORDING: Record<string, string> = {
  DIVISION_BY_ZERO: 'a division by zero',
  INVALID_CAST_ARGUMENT: 'a value could not be cast (the value is not shown; try_cast gives NULL instead)',
  INVALID_FUNCTION_ARGUMENT: 'a function was given a value it cannot use (the value is not shown)',
  NUMERIC_VALUE_OUT_OF_RANGE: 'a value is out of range for its type (the value is not shown)',
  EXCEEDED_LOCAL_MEMORY_LIMIT: 'the query needs more memory than the cluster allows it',
  EXCEEDED_GLOBAL_MEMORY_LIMIT: 'the query needs more memory than the cluster allows it',
  USER_CANCELED: 'the query was cancelled',
};

/** Errors of analysis (names, types, syntax): they can still come once the statement is sent. */
const ANALYSIS =
  /_NOT_FOUND$|^SYNTAX_ERROR$|^TYPE_MISMATCH$|^MISSING_|^AMBIGUOUS_|^INVALID_COLUMN_REFERENCE$/;

function runtimeError(error: TrinoFailure, statement: string): QueryError {
  // Analysis still happens when the statement is submitted: a name that stopped resolving since
  // the plan was computed (a mapping changed) is shown as it would have been then.
  if (ANALYSIS.test(error.errorName)) return analysisError(error, statement, 1);
  const wording = RUNTIME_WORDING[error.errorName] ?? 'the query failed while it ran (details are not shown)';
  return new QueryError('runtime', `The query failed: ${wording}.`);
}

const factsColumn = z.object({ table_name: z.string(), column_name: z.string(), data_type: z.string() });

/**
 * The facts the console offers on `db`'s schema, with their columns (the schema browser and
 * completion); masked access leaves out the contact columns it refuses.
 */
export async function consoleFactsColumns(
  db: TrinoDb,
  access: ConsoleAccess,
): Promise<Array<{ name: string; columns: Array<{ name: string; type: string }> }>> {
  const rows = await db.query(
    sql`SELECT table_name, column_name, data_type FROM information_schema.columns
        WHERE table_schema = ${db.target.schema}
          AND table_name IN (${sql.join(CONSOLE_FACTS.map((t) => sql`${t}`))})
        ORDER BY table_name, ordinal_position`,
    factsColumn,
  );
  return CONSOLE_FACTS.map((name) => ({
    name,
    columns: rows
      .filter((r) => r.table_name === name && (access === 'full' || !CONTACT_COLUMNS.includes(r.column_name)))
      .map((r) => ({ name: r.column_name, type: r.data_type })),
  })).filter((table) => table.columns.length > 0);
}
