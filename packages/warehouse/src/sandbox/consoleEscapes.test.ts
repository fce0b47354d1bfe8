import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { QueryError } from '../errors.ts';
import { ingest } from '../ingest/ingest.ts';
import { sql } from '../query/sql.ts';
import {
  EARLIER_PACKAGE_TABLES,
  openTestWarehouse,
  type Snapshot,
  snapshot,
  tempDir,
  writeFile,
} from '../testing/fixtures.ts';
import type { Warehouse } from '../Warehouse.ts';
import type { ConsoleAccess } from './consoleSchemas.ts';
import { explainedStatement, readOnlyQuery } from './readOnlyQuery.ts';
import { secureForConsole } from './secureForConsole.ts';

/**
 * Escapes that get past a check of the names in a query's text: a CTE that shadows a protected
 * table's name while the real table is read elsewhere in the statement, errors that print the
 * values they failed on, EXPLAIN ANALYZE running what it explains, and personal free text. Every
 * value planted below is a secret from the console's point of view (for an analyst, personal
 * fields too); none may appear in a result or an error, and the database must not change.
 */
let warehouse: Warehouse;
let dir: string;
let cleanup: () => void;
let before: Snapshot;
let passwordHash = '';
let sessionHash = '';

const PERSONAL = ['Zelda Secretname', 'zelda@secret.example', '+30 999 123', 'secret-note-xyz'];
const INTERNAL = ['audit-secret-123', 'upload-secret-456'];

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('retain-escapes-'));
  warehouse = await openTestWarehouse(dir);
  const customers = writeFile(
    dir,
    'c.csv',
    `customer_id,name,email,phone\nC1,${PERSONAL[0]},${PERSONAL[1]},${PERSONAL[2]}\nC2,,,\n`,
  );
  const purchases = writeFile(
    dir,
    'p.csv',
    'order_id,customer_id,order_date,amount\nO1,C1,2024-01-01,10\nO2,C2,2024-02-01,20\n',
  );
  await ingest(warehouse, [
    { section: 'customers', file: customers },
    { section: 'purchases', file: purchases },
  ]);
  // The packages' tables (outreach's outcomes, access's users, sessions and audit log: each package
  // creates its own; here, as a database made earlier holds them), with a user, a session and an
  // audit entry as @retain/access writes them.
  await warehouse.write((db) => db.run(sql.raw(EARLIER_PACKAGE_TABLES)));
  await warehouse.write((db) =>
    db.run(
      sql.raw(
        `INSERT INTO users VALUES ('root', 'admin', 'scrypt$32768$8$1$cm9vdC1zYWx0$cm9vdC1zZWNyZXQta2V5',
           TIMESTAMP '2024-03-01 09:00:00', TIMESTAMP '2024-03-01 09:00:00');
         INSERT INTO sessions VALUES ('5e5510n-secret-hash-789', 'root', TIMESTAMP '2024-03-01 09:00:00',
           TIMESTAMP '2099-01-01 00:00:00');
         INSERT INTO audit_log (occurred_at, username, action, detail)
           VALUES (TIMESTAMP '2024-03-01 09:00:00', 'root', 'test', '{"secret":"${INTERNAL[0]}"}');`,
      ),
    ),
  );
  await warehouse.write((db) =>
    db.run(
      sql.raw(
        `INSERT INTO contact_outcomes (customer_id, contacted_at, outcome, note, recorded_by)
       VALUES ('C1', TIMESTAMP '2024-03-01 10:00:00', 'reached', '${PERSONAL[3]}', 'root')`,
      ),
    ),
  );
  passwordHash = await warehouse.scalar(sql`SELECT password_hash FROM users`, z.string());
  sessionHash = await warehouse.scalar(sql`SELECT token_hash FROM sessions`, z.string());
  const uploads = path.join(dir, 'uploads');
  fs.mkdirSync(path.join(uploads, 'u1'), { recursive: true });
  fs.writeFileSync(path.join(uploads, 'u1', 'pending.csv'), `a\n${INTERNAL[1]}\n`);
  await secureForConsole(warehouse, { allowedDirectories: [uploads], memoryLimit: '2GB' });
  before = await snapshot(warehouse);
});
afterAll(() => {
  warehouse.close();
  cleanup();
});

const upload = () => path.join(dir, 'uploads', 'u1', 'pending.csv');

/** Statements that read what the console must not: each must be refused before it runs. */
const SHADOWED: Array<[string, () => string]> = [
  [
    'users beside a CTE named users',
    () => 'SELECT * FROM (WITH users AS (SELECT 1 AS x) SELECT * FROM users) a, users',
  ],
  [
    'sessions in a scalar subquery beside a CTE named sessions',
    () =>
      'SELECT (WITH sessions AS (SELECT 1) SELECT count(*) FROM sessions) AS a, (SELECT max(token_hash) FROM sessions) AS b',
  ],
  [
    'the audit log in the other branch of a UNION',
    () =>
      '(WITH audit_log AS (SELECT 1 AS d) SELECT d::VARCHAR FROM audit_log) UNION ALL SELECT detail::VARCHAR FROM audit_log',
  ],
  [
    'users in a correlated subquery of a shadowing query',
    () => 'SELECT (SELECT password_hash FROM users LIMIT 1) FROM (WITH users AS (SELECT 1) SELECT 1)',
  ],
  [
    'users in a lateral join',
    () => 'SELECT * FROM (WITH users AS (SELECT 1) SELECT 1) t, LATERAL (SELECT * FROM users)',
  ],
  ['users through a CTE that reads it', () => 'WITH u AS (SELECT * FROM users) SELECT * FROM u'],
  ['a CTE named users that reads users', () => 'WITH users AS (SELECT * FROM users) SELECT * FROM users'],
  ['meta beside a CTE named meta', () => 'SELECT * FROM (WITH meta AS (SELECT 1) SELECT 1), meta'],
  ['ingest batches', () => 'SELECT * FROM (WITH ingest_batches AS (SELECT 1) SELECT 1), ingest_batches'],
  ['saved queries', () => 'SELECT * FROM (WITH saved_queries AS (SELECT 1) SELECT 1), saved_queries'],
  ['SUMMARIZE users', () => 'SUMMARIZE users'],
  ['SUMMARIZE of a query over users', () => 'SUMMARIZE SELECT * FROM users'],
  ['PIVOT users', () => "PIVOT users ON role IN ('admin') USING first(password_hash)"],
  ['FROM-first users', () => 'FROM (WITH users AS (SELECT 1) SELECT 1), users SELECT password_hash'],
  ['users in an IN list', () => "SELECT 1 WHERE 'x' IN (SELECT password_hash FROM users)"],
  ['users in EXISTS', () => "SELECT EXISTS (SELECT 1 FROM users WHERE password_hash LIKE '$scrypt%')"],
  ['users in a window frame source', () => 'SELECT row_number() OVER () FROM users'],
  [
    'a pending upload behind a CTE named like the file',
    () => `SELECT * FROM (WITH "${upload()}" AS (SELECT 1) SELECT 1), '${upload()}'`,
  ],
  [
    'a pending upload behind a CTE, read_csv spelt out',
    () => `WITH x AS (SELECT 1) SELECT * FROM read_csv('${upload()}')`,
  ],
  ['the unmasked view from a masked console', () => 'SELECT name FROM console_full.customers'],
  ['the unmasked notes from a masked console', () => 'SELECT note FROM console_full.contact_outcomes'],
  ['the table behind the view', () => "SELECT count(*) FROM main.customers WHERE name LIKE 'Z%'"],
  ['the table behind the view, via the catalog', () => 'SELECT email FROM test.main.customers'],
  [
    'a personal column in a join condition',
    () =>
      'SELECT count(*) FROM customers a JOIN console_full.customers b ON a.customer_id = b.customer_id AND b.phone IS NOT NULL',
  ],
];

/** Queries that run on data the role may see but fail: the error must not quote the values. */
const FAILING: Array<[string, string]> = [
  ['a CAST of aggregated ids', "SELECT CAST(string_agg(customer_id, ';') AS INTEGER) FROM customers"],
  ['error() of aggregated ids', "SELECT error(string_agg(customer_id, ','))"],
  ['error() in a scan', 'SELECT error(customer_id) FROM customers'],
  ['an implicit cast in a comparison', 'SELECT * FROM purchases WHERE order_id::INTEGER > 0'],
  ['strptime of an id', "SELECT strptime(min(customer_id), '%Y-%m-%d') FROM customers"],
  ['a cast to DATE', 'SELECT CAST(min(order_id) AS DATE) FROM purchases'],
  ['a cast to UUID', 'SELECT min(customer_id)::UUID FROM customers'],
  ['a JSON parse', "SELECT json_extract(min(customer_id), '$.a') FROM customers"],
  ['an out-of-range number', 'SELECT CAST(max(amount) * 1e30 AS INTEGER) FROM purchases'],
  ['an enum cast', "SELECT min(customer_id)::ENUM('a', 'b') FROM customers"],
  [
    'a regular expression built from data',
    "SELECT regexp_matches('x', min(customer_id) || '(') FROM customers",
  ],
  ['a blob decode', "SELECT decode(min(customer_id)::BLOB || '\\xFF'::BLOB) FROM customers"],
];

const SECRETS = () => [...PERSONAL, ...INTERNAL, passwordHash, sessionHash];
const leaks = (text: string, secrets: string[]) => secrets.filter((s) => s && text.includes(s));

async function attempt(
  sql: string,
  access: ConsoleAccess,
): Promise<{ error: QueryError | null; text: string }> {
  try {
    const result = await readOnlyQuery(warehouse, sql, { access, timeoutMs: 5_000 });
    return { error: null, text: JSON.stringify(result.rows) };
  } catch (error) {
    const e = error instanceof QueryError ? error : new QueryError('runtime', String(error));
    return { error: e, text: e.message };
  }
}

async function unchanged(): Promise<void> {
  expect(await snapshot(warehouse)).toEqual(before);
  expect((await readOnlyQuery(warehouse, 'SELECT 42 AS answer')).rows).toEqual([[42]]);
}

describe(`the SQL console decides on what a query reads (${SHADOWED.length} shadowing escapes)`, () => {
  it.each(SHADOWED)('refuses %s, masked', async (_name, sql) => {
    const { error, text } = await attempt(sql(), 'masked');
    expect(error, `ran: ${text}`).toBeInstanceOf(QueryError);
    expect(error?.kind).not.toBe('timeout');
    expect(leaks(text, SECRETS())).toEqual([]);
    await unchanged();
  });

  it.each(SHADOWED.filter(([name]) => !/masked|behind the view|join condition/.test(name)))(
    'refuses %s, unmasked too',
    async (_name, sql) => {
      const { error, text } = await attempt(sql(), 'full');
      expect(error, `ran: ${text}`).toBeInstanceOf(QueryError);
      expect(leaks(text, [...INTERNAL, passwordHash, sessionHash])).toEqual([]);
    },
  );

  it('still lets a CTE shadow a table when only the CTE is read', async () => {
    const result = await readOnlyQuery(warehouse, 'WITH users AS (SELECT 7 AS x) SELECT x FROM users');
    expect(result.rows).toEqual([[7]]);
    const nested = await readOnlyQuery(
      warehouse,
      'WITH customers AS (SELECT 1 AS n) SELECT (SELECT count(*) FROM customers) AS a',
    );
    expect(nested.rows).toEqual([[1]]);
  });
});

describe(`errors in the console do not print values (${FAILING.length} failing queries)`, () => {
  it.each(FAILING)('%s', async (_name, sql) => {
    for (const access of ['masked', 'full'] as const) {
      const { error, text } = await attempt(sql, access);
      expect(error, `ran: ${text}`).toBeInstanceOf(QueryError);
      expect(leaks(text, [...SECRETS(), 'C1', 'C2', 'O1', 'O2'])).toEqual([]);
      expect(text).not.toMatch(/\b(C1|C2|O1|O2)\b/);
    }
  });

  it('keeps the class of error and the position', async () => {
    const sql = "SELECT CAST(string_agg(customer_id, ';') AS INTEGER) FROM customers";
    const { error } = await attempt(sql, 'masked');
    expect(error?.message).toMatch(/^Conversion Error: Could not convert string '…' to INT32/);
    expect(error?.position).toBe(sql.indexOf('CAST'));
  });

  it('says why a personal column is missing for an analyst', async () => {
    const { error } = await attempt('SELECT name FROM customers', 'masked');
    expect(error?.message).toMatch(/not part of the console for your role/);
    const { error: note } = await attempt('SELECT note FROM contact_outcomes', 'masked');
    expect(note?.message).toMatch(/not part of the console for your role/);
  });
});

describe('personal data for analysts', () => {
  it('has no name, email, phone or note columns in the masked views', async () => {
    const customers = await readOnlyQuery(warehouse, 'SELECT * FROM customers ORDER BY customer_id');
    expect(customers.columns.map((c) => c.name)).not.toContain('name');
    expect(customers.columns.map((c) => c.name)).not.toContain('email');
    expect(customers.columns.map((c) => c.name)).not.toContain('phone');
    expect(customers.rows.map((r) => r[0])).toEqual(['C1', 'C2']);
    const outcomes = await readOnlyQuery(warehouse, 'SELECT * FROM contact_outcomes');
    expect(outcomes.columns.map((c) => c.name)).toEqual([
      'customer_id',
      'contacted_at',
      'outcome',
      'recorded_by',
    ]);
  });

  it('shows them whole to the unmasked console', async () => {
    const full = await readOnlyQuery(
      warehouse,
      'SELECT c.name, c.email, c.phone, o.note FROM customers c JOIN contact_outcomes o USING (customer_id)',
      { access: 'full' },
    );
    expect(full.rows).toEqual([[PERSONAL[0], PERSONAL[1], PERSONAL[2], PERSONAL[3]]]);
  });
});

const EXPLAINS: Array<[string, string]> = [
  ['EXPLAIN ANALYZE of CREATE TEMP TABLE', 'EXPLAIN ANALYZE CREATE TEMP TABLE t AS SELECT 1 AS a'],
  ['EXPLAIN ANALYSE of CREATE TEMP TABLE', 'EXPLAIN ANALYSE CREATE TEMP TABLE t AS SELECT 1 AS a'],
  ['EXPLAIN of CREATE TABLE', 'EXPLAIN CREATE TABLE t AS SELECT 1 AS a'],
  ['EXPLAIN ANALYZE of INSERT', 'EXPLAIN ANALYZE INSERT INTO purchases SELECT * FROM purchases'],
  ['EXPLAIN ANALYZE of DELETE', 'EXPLAIN ANALYZE DELETE FROM purchases'],
  ['EXPLAIN ANALYZE of UPDATE', 'EXPLAIN ANALYZE UPDATE purchases SET amount = 0'],
  ['EXPLAIN ANALYZE of COPY', `EXPLAIN ANALYZE COPY purchases TO '/tmp/retain-leak.csv'`],
  ['EXPLAIN behind a comment', '/* plan */ EXPLAIN ANALYZE CREATE TEMP TABLE t AS SELECT 1'],
  ['EXPLAIN with options', 'EXPLAIN (FORMAT json) CREATE TEMP TABLE t AS SELECT 1'],
  ['EXPLAIN of EXPLAIN ANALYZE', 'EXPLAIN EXPLAIN ANALYZE CREATE TEMP TABLE t AS SELECT 1'],
  [
    'EXPLAIN ANALYZE of a read of users',
    'EXPLAIN ANALYZE SELECT * FROM (WITH users AS (SELECT 1) SELECT 1), users',
  ],
  ['EXPLAIN ANALYZE of a file read', `EXPLAIN ANALYZE SELECT * FROM read_csv('${'/etc/hosts'}')`],
  ['EXPLAIN of SET', 'EXPLAIN SET threads = 1'],
];

describe(`EXPLAIN is judged by the statement it explains (${EXPLAINS.length} probes)`, () => {
  it.each(EXPLAINS)('refuses %s', async (_name, sql) => {
    const { error, text } = await attempt(sql, 'masked');
    expect(error, `ran: ${text}`).toBeInstanceOf(QueryError);
    // DuckDB's grammar has no EXPLAIN of an EXPLAIN: that one is a syntax error.
    expect(['refused', 'syntax']).toContain(error?.kind);
    await unchanged();
    expect(fs.existsSync('/tmp/retain-leak.csv')).toBe(false);
  });

  it('runs EXPLAIN and EXPLAIN ANALYZE of a plain read', async () => {
    for (const sql of [
      'EXPLAIN SELECT count(*) FROM purchases',
      'EXPLAIN ANALYZE SELECT count(*) FROM purchases',
    ]) {
      expect((await readOnlyQuery(warehouse, sql)).rows.length).toBeGreaterThan(0);
    }
  });

  it('finds the statement behind comments, ANALYZE and options', () => {
    expect(explainedStatement('SELECT 1')).toBeNull();
    expect(explainedStatement('  -- x\n/* y */ explain analyze (format json) SELECT 2')?.trim()).toBe(
      'SELECT 2',
    );
    expect(explainedStatement('EXPLAIN SELECT 3')?.trim()).toBe('SELECT 3');
    expect(explainedStatement('EXPLAINED')).toBeNull();
  });
});
