import fs from 'node:fs';
import path from 'node:path';
import { sql, type Warehouse } from '@retain/warehouse';
import { openTestWarehouse, tempDir, writeFile } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseTrinoUrl } from './engineUrl.ts';
import { TrinoDb } from './TrinoDb.ts';
import { testCluster } from './testing/cluster.ts';
import { figureDifferences } from './testing/figureDifferences.ts';
import { dropMappedSchema } from './testing/mappedDemo.ts';
import { retainCommand, STACK_TRACE } from './testing/retainCommand.ts';

/*
 * "Map, don't copy": a retailer's order lines and tickets, with its own column names and formats
 * (day-first dates, amounts with a decimal comma, line items, negative lines, lines without a
 * customer), as a CSV loaded into a database file and as the same rows in a Parquet table of the
 * lake mapped in place with `retain ingest --engine`: the analytics answer alike. Refusals (a
 * missing table or column, dates that do not fit) name what is wrong and create nothing.
 */

const cluster = testCluster();

/** A small seeded generator, so that the history is the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const pad = (n: number) => String(n).padStart(2, '0');
const dayFirst = (d: Date) =>
  `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
const comma = (n: number) => n.toFixed(2).replace('.', ',');
const csvLine = (values: Array<string | number>) =>
  values.map((v) => (typeof v === 'string' && /[",]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v)).join(',');

const LINE_COLUMNS = ['invoice', 'customer', 'invoice_date', 'qty', 'unit_price', 'description', 'country'];
const TICKET_COLUMNS = ['ticket', 'customer', 'opened', 'closed', 'severity'];

/** Order lines and tickets of 150 customers over two years, as the retailer's exports write them. */
function history(): { lines: string; tickets: string } {
  const next = random(42);
  const lines = [LINE_COLUMNS.join(',')];
  const tickets = [TICKET_COLUMNS.join(',')];
  const start = Date.UTC(2023, 0, 1);
  const span = 730 * 86_400_000;
  let invoice = 500_000;
  let ticket = 1;
  for (let c = 1; c <= 150; c += 1) {
    const customer = `C${1000 + c}`;
    const country = ['Germany', 'France', 'Spain'][c % 3] ?? 'Germany';
    const orders = 1 + Math.floor(next() * 6);
    let at = start + Math.floor(next() * span * 0.6);
    for (let o = 0; o < orders && at < start + span; o += 1) {
      invoice += 1;
      const items = 1 + Math.floor(next() * 3);
      for (let i = 0; i < items; i += 1) {
        const qty = 1 + Math.floor(next() * 4);
        const price = 2 + Math.floor(next() * 4000) / 100;
        lines.push(
          csvLine([
            String(invoice),
            customer,
            dayFirst(new Date(at)),
            qty,
            comma(price),
            `Item ${i}`,
            country,
          ]),
        );
        // A cancellation line now and then: the same item, negative, a few days later.
        if (next() < 0.06) {
          lines.push(
            csvLine([
              `C${invoice}`,
              customer,
              dayFirst(new Date(at + 3 * 86_400_000)),
              -qty,
              comma(price),
              `Item ${i}`,
              country,
            ]),
          );
        }
      }
      // Lines without a customer (a till sale), left out by skipRowsWithoutCustomer.
      if (next() < 0.05)
        lines.push(
          csvLine([String(invoice + 900_000), '', dayFirst(new Date(at)), 1, '4,99', 'Bag', country]),
        );
      if (next() < 0.15) {
        const closed = next() < 0.7 ? dayFirst(new Date(at + Math.floor(next() * 20 + 1) * 86_400_000)) : '';
        tickets.push(
          csvLine([
            `T${ticket++}`,
            customer,
            dayFirst(new Date(at + 86_400_000)),
            closed,
            ['low', 'hoch', '3'][c % 3] ?? 'low',
          ]),
        );
      }
      at += Math.floor((20 + next() * 200) * 86_400_000);
    }
  }
  return { lines: `${lines.join('\n')}\n`, tickets: `${tickets.join('\n')}\n` };
}

const purchasesSection = {
  columns: {
    order_id: 'invoice',
    customer_id: 'customer',
    order_date: 'invoice_date',
    quantity: 'qty',
    unit_price: 'unit_price',
    product: 'description',
    region: 'country',
  },
  dateFormat: '%d/%m/%Y %H:%M',
  decimalSeparator: ',',
  negativeLinesAreReturns: true,
  skipRowsWithoutCustomer: true,
};
const complaintsSection = {
  columns: {
    complaint_id: 'ticket',
    customer_id: 'customer',
    opened_at: 'opened',
    resolved_at: 'closed',
    severity: 'severity',
  },
  dateFormat: '%d/%m/%Y %H:%M',
};

describe.skipIf(cluster === null)(
  'retain ingest --engine: mapping tables in place on a Trino cluster',
  () => {
    const stamp = `${process.pid}_${Date.now().toString(36)}`;
    const source = `map_tables_src_${stamp}`;
    const working = `map_tables_${stamp}`;
    const refused = `map_tables_bad_${stamp}`;
    const kept = `map_tables_kept_${stamp}`;
    const temp = tempDir('retain-map-tables-');
    let admin: TrinoDb;
    let trino: TrinoDb;
    let local: Warehouse | null = null;
    let base: ReturnType<typeof parseTrinoUrl>;
    let folder = '';
    const dbFile = path.join(temp.dir, 'files.duckdb');
    const urlOf = (schema: string) =>
      `trino://${base.user}@${base.host}:${base.port}/${base.catalog}/${schema}`;
    const tableMapping = (name: string, sections: Record<string, unknown>) =>
      writeFile(temp.dir, name, JSON.stringify(sections));

    /** Writes CSV text as a Parquet table of the source schema (quantities as integers). */
    async function lakeTable(name: string, csv: string, columns: string[]): Promise<void> {
      if (!local || !cluster) throw new Error('no set-up');
      const csvFile = writeFile(temp.dir, `${name}.csv`, csv);
      const dir = path.join(folder, name);
      fs.mkdirSync(dir, { recursive: true });
      const typed = columns.map((c) => (c === 'qty' ? `CAST(${c} AS INTEGER) AS ${c}` : c)).join(', ');
      await local.read((db) =>
        db.run(
          db.dialect.copyToParquet(
            sql`SELECT ${sql.raw(typed)} FROM read_csv(${csvFile}, header = true, all_varchar = true)`,
            path.join(dir, 'part-0.parquet'),
          ),
        ),
      );
      const location = `local:///${path.relative(cluster.lake, dir).split(path.sep).join('/')}`;
      const list = columns.map((c) => `${c} ${c === 'qty' ? 'integer' : 'varchar'}`).join(', ');
      await admin.run(
        sql`CREATE TABLE ${sql.ident(source)}.${sql.ident(name)} (${sql.raw(list)})
          WITH (external_location = ${location}, format = 'PARQUET')`,
      );
    }

    async function viewsIn(schema: string): Promise<string[]> {
      const rows = await admin.query(
        sql`SELECT table_name FROM information_schema.tables WHERE table_schema = ${schema} ORDER BY 1`,
        z.object({ table_name: z.string() }),
      );
      return rows.map((r) => r.table_name);
    }

    beforeAll(async () => {
      if (!cluster) return;
      base = parseTrinoUrl(cluster.url);
      admin = new TrinoDb(base);
      trino = new TrinoDb({ ...base, schema: working });
      folder = path.join(cluster.lake, 'map_tables', stamp);
      for (const schema of [source, working, refused, kept])
        await admin.run(sql`CREATE SCHEMA ${sql.ident(schema)}`);
      local = await openTestWarehouse(temp.dir, 'scratch.duckdb');
      const { lines, tickets } = history();
      await lakeTable('order_lines', lines, LINE_COLUMNS);
      await lakeTable('tickets', tickets, TICKET_COLUMNS);
      // One date that does not exist, one in another format: refused by key and count.
      await lakeTable(
        'bad_lines',
        `${LINE_COLUMNS.join(',')}\n1001,C1,31/02/2024 10:00,1,"2,50",A,DE\n1002,C1,2024-03-01 10:00,1,"2,50",A,DE\n1003,C2,01/03/2024 10:00,2,"1,00",B,DE\n`,
        LINE_COLUMNS,
      );
      // One ticket id on two rows that disagree.
      await lakeTable(
        'twice_tickets',
        `${TICKET_COLUMNS.join(',')}\nT1,C1,01/03/2024 10:00,,low\nT1,C1,01/03/2024 10:00,02/03/2024 09:00,low\nT2,C2,01/03/2024 10:00,,3\nT2,C2,01/03/2024 10:00,,3\n`,
        TICKET_COLUMNS,
      );
      local.close();
      local = null;
      // The same rows as files, loaded into a database file with the same settings.
      const files = tableMapping('files.json', {
        purchases: { file: 'order_lines.csv', ...purchasesSection },
        complaints: { file: 'tickets.csv', ...complaintsSection },
      });
      const loaded = retainCommand(['ingest', '--db', dbFile, '--mapping', files, '--json']);
      if (loaded.code !== 0) throw new Error(`loading the files failed: ${loaded.stderr}`);
    }, 600_000);

    afterAll(async () => {
      local?.close();
      if (cluster) {
        for (const schema of [working, refused, kept]) {
          for (const view of await viewsIn(schema).catch(() => [])) {
            await admin.run(sql`DROP VIEW IF EXISTS ${sql.ident(schema)}.${sql.ident(view)}`).catch(() => {});
          }
        }
        for (const schema of [source, working, refused, kept]) {
          await dropMappedSchema(admin, new TrinoDb({ ...base, schema }), schema);
        }
        fs.rmSync(folder, { recursive: true, force: true });
      }
      temp.cleanup();
    });

    it('maps the tables as views and reports what each holds, like the load of the same rows', () => {
      const tables = tableMapping('tables.json', {
        purchases: { table: `${source}.order_lines`, ...purchasesSection },
        complaints: { table: `lake.${source}.tickets`, ...complaintsSection },
      });
      const mapped = retainCommand(['ingest', '--engine', urlOf(working), '--mapping', tables, '--json']);
      expect(mapped.stderr).toBe('');
      expect(mapped.code).toBe(0);
      const summary = JSON.parse(mapped.stdout);
      const info = JSON.parse(retainCommand(['info', '--db', dbFile, '--json']).stdout);
      expect(summary.schema).toBe(`lake.${working}`);
      expect(summary.sections.purchases).toMatchObject({
        view: 'mapped',
        table: `lake.${source}.order_lines`,
        rows: info.purchases.rows,
      });
      expect(summary.sections.purchases.toReturns).toBeGreaterThan(0);
      expect(summary.sections.purchases.skipped).toBeGreaterThan(0);
      expect(summary.sections.returns).toMatchObject({
        view: 'lines',
        rows: summary.sections.purchases.toReturns,
      });
      expect(summary.sections.returns.rows).toBe(info.returns.rows);
      expect(summary.sections.complaints).toMatchObject({ view: 'mapped', rows: info.complaints.rows });
      expect(summary.sections.customers).toMatchObject({ view: 'empty', rows: 0 });
      expect(
        summary.sections.purchases.read -
          summary.sections.purchases.skipped -
          summary.sections.purchases.toReturns,
      ).toBe(summary.sections.purchases.rows);
    });

    it('maps again over its own views, and prints what it mapped as a table', () => {
      const tables = tableMapping('tables-again.json', {
        purchases: { table: `${source}.order_lines`, ...purchasesSection },
        complaints: { table: `${source}.tickets`, ...complaintsSection },
      });
      const mapped = retainCommand(['ingest', '--engine', urlOf(working), '--mapping', tables]);
      expect(mapped.stderr).toBe('');
      expect(mapped.code).toBe(0);
      const lines = mapped.stdout.trim().split('\n');
      expect(lines[0]).toMatch(
        new RegExp(
          `^Mapped on Trino at ${base.host}:${base.port} in \\d+\\.\\d s: views purchases, returns, complaints, customers in lake\\.${working}\\.$`,
        ),
      );
      expect(lines[2]).toMatch(/^\s+source\s+rows\s+customers\s+skipped\s+to returns$/);
      const row = (section: string) => lines.find((l) => l.startsWith(`${section} `)) ?? '';
      expect(row('customers')).toMatch(/^customers\s+\(empty\)\s+0\s+0\s+0\s+0$/);
      expect(row('purchases')).toMatch(
        new RegExp(
          `^purchases\\s+lake\\.${source}\\.order_lines\\s+[\\d,]+\\s+150\\s+[1-9]\\d*\\s+[1-9]\\d*$`,
        ),
      );
      expect(row('returns')).toMatch(/^returns\s+\(negative purchase lines\)\s+[1-9]/);
    });

    it.each([
      ['kpis'],
      ['kpis', '--as-of', '2024-06-30'],
      ['cohorts', '--period', 'month', '--metric', 'revenue', '--net'],
      ['cohorts', '--period', 'quarter', '--by', 'region'],
      ['repeat', '--within', '90'],
      ['trend', '--age', '1'],
    ])('gives %s the same figures from the mapped tables as from the loaded files', (...args) => {
      const fromFiles = retainCommand([...args, '--json', '--db', dbFile]);
      expect(fromFiles.code, fromFiles.stderr).toBe(0);
      const fromTables = retainCommand([...args, '--json', '--engine', urlOf(working)]);
      expect(fromTables.stderr).toBe('');
      expect(fromTables.code).toBe(0);
      const out: string[] = [];
      expect(
        figureDifferences(JSON.parse(fromFiles.stdout), JSON.parse(fromTables.stdout), args[0] ?? '', out),
      ).toBeGreaterThan(5);
      expect(out.slice(0, 20), `${out.length} differences`).toEqual([]);
    });

    it('views have the canonical column types', async () => {
      const rows = await trino.query(
        sql`SELECT table_name, column_name, data_type FROM information_schema.columns
          WHERE table_schema = ${working} AND table_name IN ('purchases', 'returns')
          AND column_name IN ('order_date', 'amount', 'returned_at', 'customer_id') ORDER BY 1, 2`,
        z.object({ table_name: z.string(), column_name: z.string(), data_type: z.string() }),
      );
      expect(rows.map((r) => `${r.table_name}.${r.column_name} ${r.data_type}`)).toEqual([
        'purchases.amount double',
        'purchases.customer_id varchar',
        'purchases.order_date timestamp(6)',
        'returns.amount double',
        'returns.customer_id varchar',
        'returns.returned_at timestamp(6)',
      ]);
    });

    it("stores the mapping's currency beside the views: kpis prints its amounts as the file loaded with it does", async () => {
      const euros = path.join(temp.dir, 'files-eur.duckdb');
      const files = tableMapping('files-eur.json', {
        currency: 'EUR',
        purchases: { file: 'order_lines.csv', ...purchasesSection },
        complaints: { file: 'tickets.csv', ...complaintsSection },
      });
      expect(retainCommand(['ingest', '--db', euros, '--mapping', files]).code).toBe(0);
      const tables = tableMapping('tables-eur.json', {
        currency: 'EUR',
        purchases: { table: `${source}.order_lines`, ...purchasesSection },
        complaints: { table: `${source}.tickets`, ...complaintsSection },
      });
      const mapped = retainCommand(['ingest', '--engine', urlOf(working), '--mapping', tables, '--json']);
      expect(mapped.stderr).toBe('');
      expect(JSON.parse(mapped.stdout).currency).toBe('EUR');
      expect(await viewsIn(working)).toContain('retain_settings');

      const fromFile = retainCommand(['kpis', '--db', euros]);
      const fromCluster = retainCommand(['kpis', '--engine', urlOf(working)]);
      expect(fromCluster.stderr).toBe('');
      expect(fromCluster.stdout).toMatch(/^Revenue \(90 d\)\s+€[\d,]+\s+€[\d,]+/m);
      expect(fromCluster.stdout).toBe(fromFile.stdout);
      // The setting wins over the data's currency, on both.
      const pounds = { RETAIN_CURRENCY: 'GBP' };
      const settingOnCluster = retainCommand(['kpis', '--engine', urlOf(working)], pounds);
      expect(settingOnCluster.stdout).toMatch(/^Revenue \(90 d\)\s+£[\d,]+/m);
      expect(settingOnCluster.stdout).toBe(retainCommand(['kpis', '--db', euros], pounds).stdout);

      // --currency wins over the mapping's; a mapping naming none leaves the default, not the last one's.
      const flagged = retainCommand([
        'ingest',
        '--engine',
        urlOf(working),
        '--mapping',
        tables,
        '--currency',
        'chf',
        '--json',
      ]);
      expect(flagged.stderr).toBe('');
      expect(JSON.parse(flagged.stdout).currency).toBe('CHF');
      expect(retainCommand(['kpis', '--engine', urlOf(working)]).stdout).toMatch(
        /^Revenue \(90 d\)\s+CHF\s[\d,]+/m,
      );
      const bad = retainCommand([
        'ingest',
        '--engine',
        urlOf(working),
        '--mapping',
        tables,
        '--currency',
        'euro',
      ]);
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim()).toBe(
        'error: --currency must be an ISO 4217 code such as EUR, USD or GBP (got "euro")',
      );
      const plain = tableMapping('tables-plain.json', {
        purchases: { table: `${source}.order_lines`, ...purchasesSection },
        complaints: { table: `${source}.tickets`, ...complaintsSection },
      });
      const unmapped = retainCommand(['ingest', '--engine', urlOf(working), '--mapping', plain, '--json']);
      expect(JSON.parse(unmapped.stdout).currency).toBeNull();
      expect(await viewsIn(working)).not.toContain('retain_settings');
      expect(retainCommand(['kpis', '--engine', urlOf(working)]).stdout).toBe(
        retainCommand(['kpis', '--db', dbFile]).stdout,
      );
    });

    it('refuses a table that does not exist: exit 2, the engine and the table named, nothing created', async () => {
      const mapping = tableMapping('missing-table.json', {
        purchases: { table: `${source}.no_such_lines`, ...purchasesSection },
      });
      const result = retainCommand(['ingest', '--engine', urlOf(refused), '--mapping', mapping]);
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toBe(
        `error: Trino at ${base.host}:${base.port}: table lake.${source}.no_such_lines does not exist (the purchases section of missing-table.json maps it)`,
      );
      expect(await viewsIn(refused)).toEqual([]);
    });

    it('refuses a column the table lacks: exit 2, engine, table and column named, nothing created', async () => {
      const mapping = tableMapping('missing-column.json', {
        purchases: {
          table: `lake.${source}.order_lines`,
          ...purchasesSection,
          columns: { ...purchasesSection.columns, channel: 'sales_channel' },
        },
        complaints: { table: `${source}.tickets`, ...complaintsSection },
      });
      const result = retainCommand(['ingest', '--engine', urlOf(refused), '--mapping', mapping, '--json']);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        new RegExp(
          `^error: Trino at ${base.host}:${base.port}: table lake\\.${source}\\.order_lines has no column "sales_channel" \\(mapped to purchases\\.channel in missing-column\\.json\\); its columns: invoice, customer, `,
        ),
      );
      expect(result.stderr).not.toMatch(STACK_TRACE);
      expect(JSON.parse(result.stdout)).toMatchObject({
        error: {
          code: 'engine_column_missing',
          table: `lake.${source}.order_lines`,
          column: 'sales_channel',
        },
      });
      expect(await viewsIn(refused)).toEqual([]);
    });

    it('refuses dates that do not fit the dateFormat with their keys, values and count, and creates nothing', async () => {
      const mapping = tableMapping('bad-dates.json', {
        purchases: { table: `${source}.bad_lines`, ...purchasesSection },
        complaints: { table: `${source}.tickets`, ...complaintsSection },
      });
      const result = retainCommand(['ingest', '--engine', urlOf(refused), '--mapping', mapping]);
      expect(result.code).toBe(2);
      expect(result.stderr).not.toMatch(STACK_TRACE);
      expect(result.stderr.trim().split('\n')).toEqual([
        `error: 1 problem in 1 table of Trino at ${base.host}:${base.port}; nothing was mapped.`,
        `  purchases (lake.${source}.bad_lines)  column "invoice_date": 2 rows: not a date in the format %d/%m/%Y %H:%M, with a year between 1900 and 2200 (check "dateFormat" in bad-dates.json): order_id 1001 ("31/02/2024 10:00"), order_id 1002 ("2024-03-01 10:00")`,
      ]);
      expect(await viewsIn(refused)).toEqual([]);
    });

    it('refuses one id on rows that disagree (identical rows are one), and creates nothing', async () => {
      const mapping = tableMapping('twice.json', {
        complaints: { table: `${source}.twice_tickets`, ...complaintsSection },
      });
      const result = retainCommand(['ingest', '--engine', urlOf(refused), '--mapping', mapping]);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toEqual([
        `error: 1 problem in 1 table of Trino at ${base.host}:${base.port}; nothing was mapped.`,
        `  complaints (lake.${source}.twice_tickets)  column "ticket": 1 complaint_id on rows with different values; keep one row per complaint_id: T1`,
      ]);
      expect(await viewsIn(refused)).toEqual([]);
    });

    it('keeps a facts table the schema already holds for a section the mapping leaves out, and refuses to replace one it maps', async () => {
      await admin.run(sql`CREATE TABLE ${sql.ident(kept)}.customers (customer_id varchar, name varchar)`);
      const mapping = tableMapping('purchases-only.json', {
        purchases: { table: `${source}.order_lines`, ...purchasesSection },
      });
      const mapped = retainCommand(['ingest', '--engine', urlOf(kept), '--mapping', mapping, '--json']);
      expect(mapped.stderr).toBe('');
      const summary = JSON.parse(mapped.stdout);
      expect(summary.sections.customers).toMatchObject({ view: 'kept', table: null, rows: 0 });
      expect(summary.sections.complaints).toMatchObject({ view: 'empty', rows: 0 });
      expect(await viewsIn(kept)).toEqual(['complaints', 'customers', 'purchases', 'returns']);

      const customers = tableMapping('customers.json', {
        customers: { table: `${source}.tickets`, columns: { customer_id: 'customer' } },
      });
      const refusedMapping = retainCommand(['ingest', '--engine', urlOf(kept), '--mapping', customers]);
      expect(refusedMapping.code).toBe(2);
      expect(refusedMapping.stderr.trim()).toBe(
        `error: Trino at ${base.host}:${base.port}: lake.${kept}.customers is a table; mapping customers there would replace it with a view. Drop it, or name another schema in the engine URL.`,
      );
    });
  },
);
