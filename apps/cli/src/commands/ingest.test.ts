import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { Warehouse } from '@retain/warehouse';
import { snapshot, tempDir, writeFile } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERNAL_ERROR, runRetain } from '../testing/runRetain.ts';

describe('retain ingest', () => {
  let dir: string;
  let cleanup: () => void;
  let db: string;
  beforeAll(() => {
    ({ dir, cleanup } = tempDir('retain-cli-'));
    db = path.join(dir, 'cli.duckdb');
  });
  afterAll(() => cleanup());

  it('loads canonical files and prints the JSON summary', () => {
    const file = writeFile(
      dir,
      'p.csv',
      'order_id,customer_id,order_date,amount\nO1,C1,2024-01-01,10\nO2,C1,2024-02-01,12\n',
    );
    const result = runRetain(['ingest', '--db', db, '--purchases', file, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.purchases).toMatchObject({ rows: 2, inserted: 2, duplicates: 0, skipped: 0 });
    for (const section of ['complaints', 'returns', 'customers']) {
      expect(summary[section]).toMatchObject({ rows: 0, inserted: 0, duplicates: 0 });
    }
    expect(summary.dataVersion).toBe(1);
  });

  it('prints a readable table on a terminal-less run without --json', () => {
    const file = writeFile(dir, 'p2.csv', 'order_id,customer_id,order_date,amount\nO3,C2,2024-03-01,7\n');
    const result = runRetain(['ingest', '--db', db, '--purchases', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/purchases\s+1\s+1\s+0\s+0\s+0/);
    expect(result.stdout).toContain('data version 2');
  });

  it('exits 2 naming file, line, column, value and reason, and writes nothing', () => {
    const file = writeFile(
      dir,
      'bad.csv',
      'order_id,customer_id,order_date,amount\nO9,C1,2024-01-01,1\nO10,C1,2024-13-45,2\n',
    );
    const result = runRetain(['ingest', '--db', db, '--purchases', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('1 problem in 1 file; nothing was loaded.');
    expect(result.stderr).toContain('bad.csv:3  column "order_date" = "2024-13-45": not an ISO 8601 date');
    const info = JSON.parse(runRetain(['info', '--db', db, '--json']).stdout);
    expect(info.purchases.rows).toBe(3);
    expect(info.dataVersion).toBe(2);
  });

  it('with --json also prints the problems as JSON', () => {
    const file = writeFile(dir, 'bad2.csv', 'order_id,customer_id,order_date,amount\nO11,,2024-01-01,1\n');
    const result = runRetain(['ingest', '--db', db, '--purchases', file, '--json']);
    expect(result.code).toBe(2);
    const body = JSON.parse(result.stdout);
    expect(body.error.total).toBe(1);
    expect(body.error.issues[0]).toMatchObject({
      line: 2,
      column: 'customer_id',
      reason: 'required value is empty',
    });
  });

  it('reads thousands separators given as flags, and says which flag to change when a value does not fit', () => {
    const file = writeFile(
      dir,
      'eu.csv',
      'order_id;customer_id;order_date;amount\nEU1;C1;03/01/2025 10:15;1.234,50\nEU2;C1;25/01/2025 18:40;12,00\n',
    );
    const flags = [
      '--decimal-separator',
      ',',
      '--thousands-separator',
      '.',
      '--date-format',
      '%d/%m/%Y %H:%M',
    ];
    const loaded = runRetain(['ingest', '--db', db, '--purchases', file, ...flags, '--json']);
    expect(loaded.code, loaded.stderr).toBe(0);
    const rows = runRetain([
      'query',
      '--db',
      db,
      '--json',
      "SELECT amount FROM purchases WHERE order_id LIKE 'EU%' ORDER BY order_id",
    ]);
    expect(JSON.parse(rows.stdout).rows).toEqual([[1234.5], [12]]);

    const refused = runRetain(['ingest', '--db', db, '--purchases', file, '--date-format', '%d/%m/%Y %H:%M']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'eu.csv:2  column "amount" = "1.234,50": not a number (digits and a decimal point, e.g. 1234.50); ' +
        'give --decimal-separator , for 12,50, and --thousands-separator . for 1.234,50',
    );
    const iso = runRetain(['ingest', '--db', db, '--purchases', file, ...flags.slice(0, 4)]);
    expect(iso.stderr).toContain(
      'eu.csv:2  column "order_date" = "03/01/2025 10:15": not an ISO 8601 date (e.g. 2024-01-31 or 2024-01-31 14:05:00), ' +
        'with a year between 1900 and 2200; give --date-format for other formats, e.g. --date-format "%d/%m/%Y"',
    );
  });

  it("names the mapping file's keys when a value does not fit its separators", () => {
    writeFile(dir, 'm/eu.csv', 'Beleg;Kunde;Datum;Betrag\nM1;C1;2025-01-03;1.234,50\nM2;;2025-01-04;12\n');
    const mapping = writeFile(
      dir,
      'm/eu.json',
      JSON.stringify({
        purchases: {
          file: 'eu.csv',
          columns: { order_id: 'Beleg', customer_id: 'Kunde', order_date: 'Datum', amount: 'Betrag' },
          decimalSeparator: ',',
        },
      }),
    );
    const result = runRetain(['ingest', '--db', db, '--mapping', mapping]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'eu.csv:2  column "Betrag" = "1.234,50": not a number (digits and a decimal comma, e.g. 1234,50); ' +
        'check "decimalSeparator" and "thousandsSeparator" in eu.json',
    );
    expect(result.stderr).toContain(
      'eu.csv:3  column "Kunde": required value is empty; or set "skipRowsWithoutCustomer": true in eu.json to leave such lines out',
    );
    const withFlag = runRetain(['ingest', '--db', db, '--mapping', mapping, '--thousands-separator', '.']);
    expect(withFlag.code).toBe(2);
    expect(withFlag.stderr).toContain('--thousands-separator applies to files given with --purchases … only');
    const bad = runRetain(['ingest', '--db', db, '--purchases', mapping, '--thousands-separator', '_']);
    expect(bad.stderr).toContain('--thousands-separator must be one of ".", ",", " ", "\'"');
  });

  it('refuses a missing file and a missing option with exit code 2', () => {
    expect(runRetain(['ingest', '--db', db, '--purchases', path.join(dir, 'nope.csv')]).code).toBe(2);
    const none = runRetain(['ingest', '--db', db]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('nothing to load');
  });
});

describe('retain ingest: bad input is exit 2 with a line, never an internal error', () => {
  let dir: string;
  let cleanup: () => void;
  let db: string;
  beforeAll(() => {
    ({ dir, cleanup } = tempDir('retain-cli-bad-'));
    db = path.join(dir, 'cli.duckdb');
    const seed = writeFile(dir, 'seed.csv', `${HEADER}\nS1,C1,2024-01-01,5\n`);
    expect(runRetain(['ingest', '--db', db, '--purchases', seed]).code).toBe(0);
  });
  afterAll(() => cleanup());

  const HEADER = 'order_id,customer_id,order_date,amount';
  const state = async () => {
    const warehouse = await Warehouse.open(db);
    try {
      return await snapshot(warehouse);
    } finally {
      warehouse.close();
    }
  };
  const mapping = (name: string, section: Record<string, unknown>) =>
    writeFile(dir, `m/${name}.json`, JSON.stringify({ purchases: section }));
  const ordersMapping = { order_id: 'Invoice', customer_id: 'Customer', order_date: 'Date', amount: 'Total' };

  /** Runs a load that must be refused; returns its stderr after the common checks. */
  async function refused(args: string[]): Promise<string> {
    const before = await state();
    const result = runRetain(['ingest', '--db', db, ...args]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/^error: /);
    expect(result.stderr).not.toMatch(/internal error|\n\s+at |SELECT |LINE \d|Error:/);
    expect(result.stdout).toBe('');
    expect(await state()).toEqual(before);
    return result.stderr;
  }

  it.each([
    [
      'a ragged row',
      'ragged.csv',
      `${HEADER}\nO1,C1,2024-01-01,1\nO2,C1,2024-01-01,1,x\n`,
      'ragged.csv:3: malformed CSV: expected 4 fields like the header, found 5',
    ],
    [
      'an unclosed quote',
      'quote.csv',
      `${HEADER}\nO1,"C1,2024-01-01,1\nO2,C1,2024-01-01,1\n`,
      'quote.csv:2: malformed CSV: a quoted field opens here and is never closed',
    ],
    [
      'rows of another delimiter',
      'semi.csv',
      `${HEADER}\nO1;C1;2024-01-01;1\n`,
      'semi.csv:2: malformed CSV: expected 4 fields like the header, found 1; it looks ";"-delimited',
    ],
    [
      'a broken NDJSON line',
      'broken.ndjson',
      '{"order_id":"O1","customer_id":"C1","order_date":"2024-01-01","amount":1}\n{"order_id": oops}\n',
      'broken.ndjson:2: not valid JSON',
    ],
    [
      'an object as amount',
      'nested.ndjson',
      '{"order_id":"O1","customer_id":"C1","order_date":"2024-01-01","amount":{"v":1}}\n',
      `nested.ndjson:1  column "amount" = "{'v': 1}": a nested value`,
    ],
    [
      'a NUL byte',
      'nul.csv',
      `${HEADER}\nO1,C\u00001,2024-01-01,1\n`,
      'nul.csv:2  column "customer_id" = "C\\u00001": contains a NUL character',
    ],
    [
      'an unknown time zone',
      'zone.csv',
      `${HEADER}\nO1,C1,2024-01-31 14:05:00 XYZ,1\n`,
      'zone.csv:2  column "order_date" = "2024-01-31 14:05:00 XYZ": ends in a time zone that is not known',
    ],
  ])('%s names file, line and field', async (_name, file, content, expected) => {
    const stderr = await refused(['--purchases', writeFile(dir, file, content)]);
    expect(stderr).toContain('error: 1 problem in 1 file; nothing was loaded.');
    expect(stderr).toContain(expected);
  });

  it('a .csv.gz that is not gzip', async () => {
    const stderr = await refused([
      '--purchases',
      writeFile(dir, 'plain.csv.gz', `${HEADER}\nO1,C1,2024-01-01,1\n`),
    ]);
    expect(stderr).toContain('plain.csv.gz is not gzip-compressed, though its name ends in .gz');
  });

  it('an invalid dateFormat specifier names the mapping field', async () => {
    writeFile(dir, 'm/orders.csv', 'Invoice,Customer,Date,Total\n1,C1,31/12/2024,5\n');
    const file = mapping('badformat', { file: 'orders.csv', columns: ordersMapping, dateFormat: '%d/%Q/%Y' });
    const stderr = await refused(['--mapping', file]);
    expect(stderr).toContain('badformat.json: purchases.dateFormat "%d/%Q/%Y": %Q is not a specifier');
  });

  it('a header that appears twice names both columns', async () => {
    writeFile(dir, 'm/twice.csv', 'Invoice,Customer,Date,Total,Customer\n1,C1,2024-01-01,5,C2\n');
    const stderr = await refused([
      '--mapping',
      mapping('twice', { file: 'twice.csv', columns: ordersMapping }),
    ]);
    expect(stderr).toContain('"Customer" appears twice in the header of twice.csv (columns 2 and 5)');
  });

  it('a complaint resolved before it was opened', async () => {
    const file = writeFile(
      dir,
      'tickets.csv',
      'complaint_id,customer_id,opened_at,resolved_at\nT1,C1,2024-02-01,2024-01-01\n',
    );
    const stderr = await refused(['--complaints', file]);
    expect(stderr).toContain(
      'tickets.csv:2  column "resolved_at" = "2024-01-01": resolved before it was opened',
    );
  });

  it('a mapping that points outside its folder, without a word of the file there', async () => {
    writeFile(dir, 'private.csv', 'top-secret-header\nsecond-line-secret\n');
    const stderr = await refused([
      '--mapping',
      mapping('escape', { file: '../private.csv', columns: { order_id: 'x' } }),
    ]);
    expect(stderr).toContain(
      'escape.json: purchases.file "../private.csv" is outside the mapping file\'s folder',
    );
    // The package says files elsewhere can be allowed; the terminal names the flag that does it.
    expect(stderr).toContain('or allow files elsewhere explicitly with --allow-outside-files.');
    expect(stderr).not.toMatch(/top-secret|second-line/);
  });

  it('a mapping that points outside its folder loads with --allow-outside-files', () => {
    writeFile(dir, 'outside.csv', `${HEADER}\nX1,C1,2024-01-01,1\n`);
    const columns = {
      order_id: 'order_id',
      customer_id: 'customer_id',
      order_date: 'order_date',
      amount: 'amount',
    };
    const file = mapping('outside', { file: '../outside.csv', columns });
    const result = runRetain(['ingest', '--db', db, '--mapping', file, '--allow-outside-files', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).purchases.inserted).toBe(1);
  });

  it('--json prints a malformed file as an issue with its line', async () => {
    const before = await state();
    const result = runRetain([
      'ingest',
      '--db',
      db,
      '--purchases',
      writeFile(dir, 'j.csv', `${HEADER}\nO1,C1\n`),
      '--json',
    ]);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error.issues).toEqual([
      expect.objectContaining({
        line: 2,
        column: null,
        reason: 'malformed CSV: expected 4 fields like the header, found 2',
      }),
    ]);
    expect(await state()).toEqual(before);
  });

  it('timestamps with a named zone load, in UTC', () => {
    const file = writeFile(
      dir,
      'sap.csv',
      `${HEADER}\nSAP1,C1,2024-01-31 14:05:00 CET,1\nSAP2,C1,2024-07-31 14:05:00 CEST,1\n`,
    );
    expect(runRetain(['ingest', '--db', db, '--purchases', file]).code).toBe(0);
    const rows = runRetain([
      'query',
      '--db',
      db,
      '--json',
      "SELECT CAST(order_date AS VARCHAR) AS d FROM purchases WHERE order_id LIKE 'SAP%' ORDER BY 1",
    ]);
    expect(JSON.parse(rows.stdout).rows).toEqual([['2024-01-31 13:05:00'], ['2024-07-31 12:05:00']]);
  });

  it('a file with only a header: a warning, exit 0, the same data version', async () => {
    const before = await state();
    const result = runRetain([
      'ingest',
      '--db',
      db,
      '--purchases',
      writeFile(dir, 'empty.csv.gz', zlib.gzipSync(`${HEADER}\n`)),
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Nothing new to load`);
    expect(result.stdout).toContain(`data version stays ${before.dataVersion}.`);
    expect(result.stderr).toBe(
      'warning: empty.csv.gz: no data rows (only a header); nothing to load from it.\n',
    );
    expect(await state()).toEqual(before);
  });
});

describe('retain ingest with a mapping whose sections name tables', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir, cleanup } = tempDir('retain-cli-tables-'));
  });
  afterAll(() => cleanup());

  const tableMapping = (name: string) =>
    writeFile(
      dir,
      name,
      JSON.stringify({
        purchases: {
          table: 'lake.sales.order_lines',
          columns: {
            order_id: 'invoice',
            customer_id: 'customer',
            order_date: 'invoice_date',
            amount: 'revenue',
          },
        },
      }),
    );

  it('refuses a table section without --engine, naming the section and the flag, and writes nothing', () => {
    const db = path.join(dir, 'tables.duckdb');
    const result = runRetain(['ingest', '--db', db, '--mapping', tableMapping('lake.json')], {
      RETAIN_ENGINE: '',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).not.toMatch(INTERNAL_ERROR);
    expect(result.stderr).toBe(
      'error: lake.json: purchases.table "lake.sales.order_lines" names a table on a cluster; a table is mapped in place on a Trino engine, not loaded into the database file. Pass --engine trino://USER@HOST:PORT/CATALOG/SCHEMA (or set RETAIN_ENGINE) to map it there.\n',
    );
    // Refused before the database is opened: not even an empty database file is made.
    expect(fs.existsSync(db)).toBe(false);
  });

  it('refuses a delimiter on a table section, and a section with a file and a table', () => {
    const both = writeFile(
      dir,
      'both.json',
      JSON.stringify({ purchases: { file: 'o.csv', table: 'lake.sales.o' } }),
    );
    const delimited = writeFile(
      dir,
      'delimited.json',
      JSON.stringify({ purchases: { table: 'lake.sales.o', delimiter: ';' } }),
    );
    const db = path.join(dir, 'refused.duckdb');
    expect(runRetain(['ingest', '--db', db, '--mapping', both]).stderr).toBe(
      `error: ${both}: purchases.table: a section names a "file" or a "table", not both\n`,
    );
    const result = runRetain(['ingest', '--db', db, '--mapping', delimited]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `error: ${delimited}: purchases.delimiter: a table has no delimiter: "delimiter" applies to a "file" only\n`,
    );
  });

  it('with --engine refuses file options and a URL it cannot use (exit 2, the flag named)', () => {
    const mapping = tableMapping('engine.json');
    const files = runRetain([
      'ingest',
      '--engine',
      'trino://retain@127.0.0.1:1/lake/x',
      '--mapping',
      mapping,
      '--date-format',
      '%d/%m/%Y',
    ]);
    expect(files.code).toBe(2);
    expect(files.stderr).toBe(
      'error: --date-format applies to files loaded into the database file, not to tables mapped with --engine\n',
    );
    const url = runRetain(['ingest', '--engine', 'http://x:8080/lake/x', '--mapping', mapping]);
    expect(url.code).toBe(2);
    expect(url.stderr).toMatch(/^error: --engine: http:\/\/x:8080\/lake\/x is not a Trino engine URL/);
  });
});
