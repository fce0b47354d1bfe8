import { type QueryError, readOnlyQuery, secureForConsole, sql, Warehouse } from '@retain/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { engineConsoleQuery } from './consoleSandbox.ts';
import { parseTrinoUrl } from './engineUrl.ts';
import { TrinoDb } from './TrinoDb.ts';
import { testCluster } from './testing/cluster.ts';
import { dropMappedSchema, type MappedDemo, mapDemo } from './testing/mappedDemo.ts';
import { retainCommand, STACK_TRACE } from './testing/retainCommand.ts';

/*
 * The SQL console on a Trino cluster: the same rows as the embedded console for the same history,
 * and everything a console must not do refused before the statement is sent, decided on the plan
 * the cluster computes (what it would read), not on the names in the text.
 */

const cluster = testCluster();

async function refusal(promise: Promise<unknown>): Promise<QueryError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, 'the statement was refused').not.toBeNull();
  expect((error as Error).name).toBe('QueryError');
  expect((error as Error).message).not.toMatch(STACK_TRACE);
  return error as QueryError;
}

const tableNames = z.object({ table_name: z.string() });

describe.skipIf(cluster === null)('the SQL console on a Trino cluster', () => {
  let demo: MappedDemo;
  /** The facts of `demo` as views in a schema of their own, customers over a table of it. */
  let viewSchema = '';
  let views: TrinoDb;
  let admin: TrinoDb;

  beforeAll(async () => {
    if (!cluster) return;
    demo = await mapDemo(cluster, {
      prefix: 'console_engine',
      customers: 120,
      seed: 17,
      years: 1,
      end: '2025-06-30',
    });
    await secureForConsole(demo.warehouse);
    const base = parseTrinoUrl(cluster.url);
    admin = new TrinoDb(base);
    viewSchema = `${demo.schema}_v`;
    views = new TrinoDb({ ...base, schema: viewSchema });
    const facts = (table: string) => sql.raw(`lake.${demo.schema}.${table}`);
    await admin.run(sql`CREATE SCHEMA ${sql.ident(viewSchema)}`);
    // The retailer's own customers table, and the mapped view over it shows only consenting ones.
    await views.run(sql`CREATE TABLE customer_master AS SELECT * FROM ${facts('customers')}`);
    await views.run(
      sql`CREATE VIEW customers AS SELECT customer_id, name, email, phone, region, channel, signup_date
          FROM customer_master WHERE contact_consent`,
    );
    for (const table of ['purchases', 'complaints', 'returns'])
      await views.run(sql`CREATE VIEW ${sql.ident(table)} AS SELECT * FROM ${facts(table)}`);
    // A view elsewhere over the same table: reading through it is not reading through the facts.
    await demo.trino.run(
      sql`CREATE VIEW everyone AS SELECT * FROM ${sql.raw(`lake.${viewSchema}.customer_master`)}`,
    );
    // A table Retain writes on the cluster (the analytics rollup's) is not part of the console.
    await demo.trino.run(sql`CREATE TABLE analytics_console_probe AS SELECT 1 AS x`);
  }, 600_000);

  afterAll(async () => {
    if (!cluster) return;
    for (const view of ['customers', 'purchases', 'complaints', 'returns'])
      await views.run(sql`DROP VIEW IF EXISTS ${sql.ident(view)}`).catch(() => {});
    await dropMappedSchema(admin, views, viewSchema);
    await demo.trino.run(sql`DROP VIEW IF EXISTS everyone`).catch(() => {});
    await demo?.drop();
  });

  it.each([
    `SELECT channel, count(*) AS lines, count(DISTINCT customer_id) AS customers, round(sum(amount), 4) AS revenue
     FROM purchases GROUP BY channel ORDER BY channel`,
    `SELECT order_id, customer_id, order_date, amount FROM purchases
     ORDER BY order_id, customer_id, order_date, amount LIMIT 40`,
    `WITH firsts AS (SELECT customer_id, min(order_date) AS first_order FROM purchases GROUP BY 1)
     SELECT c.region, count(*) AS buyers, CAST(max(f.first_order) AS date) AS latest_first
     FROM firsts f JOIN customers c ON c.customer_id = f.customer_id GROUP BY 1 ORDER BY 1`,
    `SELECT customer_id, opened_at, resolved_at FROM complaints ORDER BY 1, 2, 3 LIMIT 25`,
  ])('returns the embedded console’s rows for %s', async (query) => {
    const local = await readOnlyQuery(demo.warehouse, query, { access: 'full' });
    const remote = await engineConsoleQuery(demo.trino, query, { access: 'full' });
    expect(remote.rows.length).toBeGreaterThan(0);
    expect(remote.rows).toEqual(local.rows);
    expect(remote.columns.map((c) => c.name)).toEqual(local.columns.map((c) => c.name));
    expect(remote.truncated).toBe(false);
  });

  it('refuses writes before they are sent: the table is not there afterwards', async () => {
    for (const query of [
      'CREATE TABLE console_written AS SELECT * FROM purchases',
      'INSERT INTO purchases SELECT * FROM purchases',
      'DROP TABLE purchases',
      "SET SESSION query_max_memory = '1GB'",
      "CALL system.sync_partition_metadata('default', 'purchases', 'FULL')",
      'EXPLAIN ANALYZE SELECT * FROM purchases',
      'DELETE FROM purchases',
    ]) {
      const error = await refusal(engineConsoleQuery(demo.trino, query, { access: 'full' }));
      expect(error.kind).toBe('refused');
      expect(error.message).toMatch(
        /^Only queries can run on an engine \(SELECT, WITH, VALUES, TABLE\); this statement starts with [A-Z]+\.$/,
      );
    }
    const tables = await demo.trino.query(
      sql`SELECT table_name FROM information_schema.tables WHERE table_schema = ${demo.schema}`,
      tableNames,
    );
    expect(tables.map((t) => t.table_name)).not.toContain('console_written');
    expect(await demo.trino.count(sql`SELECT count(*) FROM purchases`)).toBe(
      await demo.warehouse.read((db) => db.count(sql`SELECT count(*) FROM purchases`)),
    );
  });

  it.each([
    ['SELECT * FROM system.runtime.queries', /does not offer \(system\.runtime\.queries\)/],
    ['SELECT query FROM system.runtime.queries', /does not offer \(system\.runtime\.queries\)/],
    [
      'SELECT table_name FROM information_schema.tables',
      /does not offer \(lake\.information_schema\.tables\)/,
    ],
    ['SELECT * FROM system.metadata.catalogs', /does not offer \(system\.metadata\.catalogs\)/],
    [
      'SELECT count(*) FROM analytics_console_probe',
      /does not offer \(lake\.console_engine_\w+\.analytics_console_probe\)/,
    ],
    [
      'WITH purchases AS (SELECT query AS order_id FROM system.runtime.queries) SELECT * FROM purchases',
      /does not offer \(system\.runtime\.queries\)/,
    ],
    [
      'SELECT p.order_id FROM purchases p WHERE EXISTS (SELECT 1 FROM system.runtime.nodes)',
      /does not offer \(system\.runtime\.nodes\)/,
    ],
    ['SELECT * FROM "$system".runtime.queries', /'\$system' (not found|does not exist)|does not offer/],
    ['SELECT "$path" FROM purchases', /that your console does not show \(\$path\)/],
    [
      'SELECT * FROM TABLE(exclude_columns(input => TABLE(system.runtime.queries), columns => DESCRIPTOR(query)))',
      /does not offer \(system\.runtime\.queries\)/,
    ],
    ["SELECT * FROM TABLE(system.query(query => 'SELECT 1'))", /system\.query/],
    ['SELECT 1; DROP TABLE purchases', /^Run one statement at a time \(found 2\)\.$/],
    ['SELECT 1 /* ; */ ; SELECT 2;', /^Run one statement at a time \(found 2\)\.$/],
    ['   ', /^There is no statement to run\.$/],
  ])('refuses %s', async (query, message) => {
    const error = await refusal(engineConsoleQuery(demo.trino, query, { access: 'full' }));
    expect(error.message).toMatch(message);
  });

  it('refuses a table of another schema, even one holding facts', async () => {
    const error = await refusal(
      engineConsoleQuery(views, `SELECT count(*) FROM lake.${demo.schema}.analytics_console_probe`, {
        access: 'full',
      }),
    );
    expect(error.message).toContain(`does not offer (lake.${demo.schema}.analytics_console_probe)`);
  });

  it('runs what is harmless: sequence, a semicolon in a string, a trailing semicolon', async () => {
    const seq = await engineConsoleQuery(
      demo.trino,
      'SELECT count(*) AS n FROM TABLE(sequence(start => 1, stop => 7))',
    );
    expect(seq.rows).toEqual([[7]]);
    const text = await engineConsoleQuery(
      demo.trino,
      "SELECT ';' AS s, x FROM unnest(sequence(1, 3)) AS t(x);",
    );
    expect(text.rows).toEqual([
      [';', 1],
      [';', 2],
      [';', 3],
    ]);
  });

  describe('facts that are views over the retailer’s tables', () => {
    it('reads through the views, rows and all', async () => {
      const consenting = await demo.warehouse.read((db) =>
        db.count(sql`SELECT count(*) FROM customers WHERE contact_consent`),
      );
      const result = await engineConsoleQuery(views, 'SELECT count(*) AS n FROM customers', {
        access: 'full',
      });
      expect(result.rows).toEqual([[consenting]]);
      const joined = await engineConsoleQuery(
        views,
        'SELECT c.region, count(*) FROM purchases p JOIN customers c USING (customer_id) GROUP BY 1',
        { access: 'masked' },
      );
      expect(joined.rows.length).toBeGreaterThan(0);
    });

    it.each([
      ['SELECT count(*) FROM customer_master', /customer_master other than through the mapped tables/],
      [
        'WITH c AS (SELECT * FROM customers) SELECT count(*) FROM customer_master m JOIN c USING (customer_id)',
        /customer_master other than through the mapped tables/,
      ],
      ['SELECT count(*) FROM lake.DEMO.everyone', /customer_master other than through the mapped tables/],
      [
        'SELECT c.region, m.region FROM customers c LEFT JOIN customer_master m ON m.customer_id = c.customer_id',
        /customer_master other than through the mapped tables/,
      ],
      [
        "SELECT count(*) FROM customers c WHERE c.region = 'x' OR EXISTS (SELECT 1 FROM customer_master m WHERE m.customer_id = c.customer_id)",
        /customer_master other than through the mapped tables/,
      ],
      ['SELECT count(*) FROM lake.DEMO.purchases', /other than through the mapped tables/],
      // The view reads contact_consent for its filter, but only through the view.
      ['SELECT contact_consent FROM customer_master', /customer_master other than through the mapped tables/],
    ])('refuses reading underneath them some other way: %s', async (query, message) => {
      const error = await refusal(
        engineConsoleQuery(views, query.replace('DEMO', demo.schema), { access: 'full' }),
      );
      expect(error.message).toMatch(message);
    });
  });

  describe('masked access', () => {
    it.each([
      'SELECT name FROM customers',
      'SELECT upper(email) AS e FROM customers',
      "SELECT count(*) FROM customers WHERE phone LIKE '+1%'",
      'SELECT (SELECT max(name) FROM customers) AS m',
      'SELECT p.order_id FROM purchases p WHERE p.customer_id IN (SELECT customer_id FROM customers WHERE length(email) > 10)',
      'SELECT * FROM customers',
      'SELECT length(name) FROM customers',
    ])('cannot read a contact column: %s', async (query) => {
      for (const db of [demo.trino, views]) {
        const error = await refusal(engineConsoleQuery(db, query, { access: 'masked' }));
        expect(error.message).toMatch(
          /^This query reads (a column|columns) of lake\.[\w]+\.(customers|customer_master) that your console does not show \(((name|email|phone)(, )?)+\)\. Contact details/,
        );
      }
    });

    it('reads the other columns, and rows without their contact columns', async () => {
      // The plan reads no contact column here: the cluster counts rows without them.
      const counted = await engineConsoleQuery(
        views,
        'WITH c AS (SELECT * FROM customers) SELECT count(*) FROM c',
      );
      expect(counted.rows[0]?.[0]).toBeGreaterThan(0);
      const result = await engineConsoleQuery(
        demo.trino,
        'SELECT region, count(*) AS n FROM customers GROUP BY 1 ORDER BY 1',
        {
          access: 'masked',
        },
      );
      const local = await readOnlyQuery(
        demo.warehouse,
        'SELECT region, count(*) AS n FROM customers GROUP BY 1 ORDER BY 1',
      );
      expect(result.rows).toEqual(local.rows);
    });
  });

  it('stops at the row limit and says so', async () => {
    const result = await engineConsoleQuery(demo.trino, 'SELECT * FROM purchases', { rowCap: 5 });
    expect(result.rows).toHaveLength(5);
    expect(result.truncated).toBe(true);
    const all = await engineConsoleQuery(demo.trino, 'SELECT * FROM complaints', { rowCap: 100_000 });
    expect(all.truncated).toBe(false);
  });

  it('stops a query at the time limit', async () => {
    const error = await refusal(
      engineConsoleQuery(
        demo.trino,
        'SELECT count(*) FROM unnest(sequence(1, 10000)) a(x) CROSS JOIN unnest(sequence(1, 10000)) b(y) CROSS JOIN unnest(sequence(1, 100)) c(z) WHERE x * y + z = 7',
        { timeoutMs: 1500 },
      ),
    );
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe('The query ran longer than 1.5 s and was stopped.');
  });

  it('words errors for the person: a misspelt column with its position, a failed cast without the value', async () => {
    const misspelt = await refusal(engineConsoleQuery(demo.trino, 'SELECT\n  amout FROM purchases'));
    expect(misspelt.message).toBe("Column 'amout' cannot be resolved");
    expect(misspelt.position).toBe(9);
    const syntax = await refusal(engineConsoleQuery(demo.trino, 'SELECT FROM WHERE'));
    expect(syntax.kind).toBe('syntax');
    const cast = await refusal(
      engineConsoleQuery(demo.trino, 'SELECT CAST(order_id AS integer) FROM purchases'),
    );
    expect(cast.kind).toBe('runtime');
    expect(cast.message).toBe(
      'The query failed: a value could not be cast (the value is not shown; try_cast gives NULL instead).',
    );
  });

  it('retain query --engine: rows, refusals (exit 2), and the audit entry in the database file', async () => {
    demo.warehouse.close();
    const ok = retainCommand([
      'query',
      '--engine',
      demo.engineUrl,
      '--db',
      demo.dbFile,
      '--json',
      'SELECT count(*) AS n FROM returns',
    ]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const n = JSON.parse(ok.stdout).rows[0][0];
    expect(n).toBeGreaterThan(0);

    const refused = retainCommand([
      'query',
      '--engine',
      demo.engineUrl,
      '--db',
      demo.dbFile,
      'SELECT * FROM system.runtime.queries',
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe(
      'error: This query reads a table the SQL console does not offer (system.runtime.queries); it offers complaints, customers, purchases, returns.',
    );
    const write = retainCommand([
      'query',
      '--engine',
      demo.engineUrl,
      '--db',
      demo.dbFile,
      'DROP TABLE purchases',
    ]);
    expect(write.code).toBe(2);
    const badUrl = retainCommand(['query', '--engine', 'trino://nobody', '--db', demo.dbFile, 'SELECT 1']);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(/^error: --engine: /);

    const warehouse = await Warehouse.open(demo.dbFile, { readOnly: true });
    try {
      const entries = await warehouse.read((db) =>
        db.query(
          sql`SELECT CAST(detail AS VARCHAR) AS detail FROM audit_log WHERE action = 'sql' ORDER BY audit_id`,
          z.object({ detail: z.string() }),
        ),
      );
      const details = entries.map((e) => JSON.parse(e.detail) as Record<string, unknown>);
      expect(details).toHaveLength(3);
      expect(details[0]).toMatchObject({
        via: 'cli',
        sql: 'SELECT count(*) AS n FROM returns',
        rows: 1,
        truncated: false,
        output: 'json',
      });
      expect(String(details[0]?.engine)).toMatch(/^trino:\/\/[^/]+\/lake\/console_engine_/);
      expect(details[1]).toMatchObject({ rows: 0, outcome: 'refused' });
      expect(details[2]).toMatchObject({ sql: 'DROP TABLE purchases', outcome: 'refused' });
    } finally {
      warehouse.close();
    }
  });
});
