import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { listAudit } from '@retain/access';
import { CALL_LIST_COLUMNS, csvLine } from '@retain/schemas';
import { sql, sqlString, type Warehouse } from '@retain/warehouse';
import { openTestWarehouse, query, tempDir } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callListPage } from './callList.ts';
import { exportCallList } from './exportCallList.ts';
import { FIXTURE_NOW, generateScoredCustomers, openCallListFixture } from './testing/index.ts';
import { writeCallListCsv } from './writeCallListCsv.ts';

describe('exportCallList on the hand fixture', () => {
  let warehouse: Warehouse;
  let dir: string;
  let close: () => void;
  beforeAll(async () => {
    ({ warehouse, dir, close } = await openCallListFixture());
  });
  afterAll(() => close());

  /** The file as DuckDB's CSV reader sees it: every cell as text. */
  const readBack = (file: string) =>
    query(
      warehouse,
      `SELECT * FROM read_csv(${sqlString(file)}, header = true, all_varchar = true, quote = '"', escape = '"')`,
    );

  it('writes RFC 4180 CSV with formula cells neutralised, and reads back as written', async () => {
    const file = path.join(dir, 'calls.csv');
    const result = await exportCallList(warehouse, {}, file, { now: FIXTURE_NOW });
    expect(result).toMatchObject({
      rows: 7,
      listed: 7,
      excludedNoConsent: 2,
      excludedDoNotCall: 1,
      path: file,
    });
    const text = fs.readFileSync(file, 'utf8');
    expect(text.startsWith(`${CALL_LIST_COLUMNS.join(',')}\r\n`)).toBe(true);
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
    const rows = await readBack(file);
    expect(Object.keys(rows[0] ?? {})).toEqual([...CALL_LIST_COLUMNS]);
    expect(rows.map((r) => r.customer_id)).toEqual(['C01', 'C02', 'C03', 'C07', 'C08', 'C09', 'C10']);
    expect(rows[0]).toEqual({
      rank: '1',
      customer_id: 'C01',
      name: 'Ada Lovelace',
      phone: "'+44 20 7946 0001",
      email: 'ada@example.com',
      churn_probability: '0.9',
      value_at_risk: '500',
      last_order_date: '2024-03-05',
      orders: '2',
      open_complaints: '1',
      reasons: '64 days since last order; usually 21 | No orders in the last 90 days',
      last_contact: null,
      last_outcome: null,
      phone_e164: '+442079460001', // for a dialler: no leading '
      segment: 'At risk',
      standing: 'At risk',
    });
    expect(rows[1]).toMatchObject({
      name: `'=HYPERLINK("http://evil.example","click")`,
      email: "'@evil.example",
      phone: "'-5551234",
      phone_e164: null, // not a number a dialler can call
      reasons: "'=1+1",
    });
    expect(rows[2]).toMatchObject({ name: 'Bob "the Builder", Jr.', phone: '555\n1234' });
    expect(rows[3]).toMatchObject({
      last_contact: '2024-05-01T12:00:00Z',
      last_outcome: 'reached',
      phone: '07700 900007',
      phone_e164: '+447700900007',
    });
    expect(rows[6]).toMatchObject({
      name: 'Zoë Ünicode',
      segment: 'Champions',
      standing: 'Champion, slipping',
    });
    // The E.164 column holds "+" and digits only, so it needs no neutralising, and gets none.
    for (const row of rows) expect(row.phone_e164 ?? '').toMatch(/^(\+[1-9][0-9]{6,14})?$/);
    expect(text).toContain(',+447700900007,Lost,Lost\r\n');
    expect(text).not.toContain("'+447700900007");
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('writes the rows the API pages, each rendered by csvLine', async () => {
    const file = path.join(dir, 'oracle.csv');
    await exportCallList(warehouse, {}, file, { now: FIXTURE_NOW });
    const page = await callListPage(warehouse, {}, { offset: 0, limit: 100 }, { now: FIXTURE_NOW });
    // Every cell as csvLine writes it, but the E.164 number, which is only "+" and digits (or
    // empty) and is written as it is, for diallers.
    const expected = page.rows.map((r) =>
      csvLine([
        r.rank,
        r.customerId,
        r.name,
        r.phone,
        r.email,
        r.churnProbability,
        r.valueAtRisk,
        r.lastOrderDate,
        r.orders,
        r.openComplaints,
        r.reasons.join(' | '),
        r.lastContact,
        r.lastOutcome,
        '{e164}',
        r.segment,
        r.standing,
      ]).replace('{e164}', r.phoneE164 ?? ''),
    );
    expect(page.rows.some((r) => r.phoneE164?.startsWith('+'))).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toBe(csvLine(CALL_LIST_COLUMNS) + expected.join(''));
  });

  it('streams the same bytes as it writes to a file', async () => {
    for (const bom of [false, true]) {
      const file = path.join(dir, `same-${bom}.csv`);
      await exportCallList(warehouse, { top: 5 }, file, { bom, now: FIXTURE_NOW });
      const pieces: Buffer[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          pieces.push(chunk);
          done();
        },
      });
      await writeCallListCsv(warehouse, { top: 5 }, sink, { bom, now: FIXTURE_NOW });
      expect(Buffer.concat(pieces).equals(fs.readFileSync(file))).toBe(true);
    }
  });

  it('writes to any file name, quotes and spaces included', async () => {
    const file = path.join(dir, 'O\'Brien\'s calls, "north".csv');
    expect(await exportCallList(warehouse, { top: 2 }, file, { now: FIXTURE_NOW })).toMatchObject({
      rows: 2,
    });
    expect(fs.readFileSync(file, 'utf8').split('\r\n')).toHaveLength(4);
  });

  it('starts with a byte order mark for Excel when asked', async () => {
    const file = path.join(dir, 'excel.csv');
    await exportCallList(warehouse, { top: 1 }, file, { bom: true, now: FIXTURE_NOW });
    const bytes = fs.readFileSync(file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8').slice(1).split('\r\n')).toHaveLength(3); // header, one row, ''
  });

  it('records the export in the audit log with who, filters and row count', async () => {
    const file = path.join(dir, 'audited.csv');
    await exportCallList(warehouse, { top: 2, region: 'North' }, file, {
      now: FIXTURE_NOW,
      requester: { username: null, via: 'cli', detail: { osUser: 'ada' } },
    });
    const [entry] = await listAudit(warehouse, { action: 'export', limit: 1 });
    expect(entry).toMatchObject({
      username: null,
      action: 'export',
      detail: {
        export: 'call-list',
        via: 'cli',
        osUser: 'ada',
        filters: { top: 2, region: 'North' },
        rows: 2,
        excludedNoConsent: 1,
        file,
      },
    });
  });

  it('leaves nothing behind when the folder does not exist', async () => {
    const file = path.join(dir, 'missing', 'calls.csv');
    await expect(exportCallList(warehouse, {}, file)).rejects.toThrow(/ENOENT/);
    expect(fs.existsSync(path.join(dir, 'missing'))).toBe(false);
  });

  it('removes a partial file left by a process that is gone, and keeps those of live ones', async () => {
    const file = path.join(dir, 'again.csv');
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    fs.writeFileSync(`${file}.${gone}-dead.partial`, 'rank,customer_id\r\n1,C');
    fs.writeFileSync(`${file}.${process.pid}-alive.partial`, '');
    await exportCallList(warehouse, {}, file, { now: FIXTURE_NOW });
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('again.csv'))).toEqual([
      'again.csv',
      `again.csv.${process.pid}-alive.partial`,
    ]);
  });
});

describe('exportCallList stopped half way', () => {
  let warehouse: Warehouse;
  let dir: string;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('retain-outreach-abort-'));
    warehouse = await openTestWarehouse(dir);
    await generateScoredCustomers(warehouse, 20_000);
  });
  afterAll(() => {
    warehouse.close();
    cleanup();
  });

  it('removes the partial file and writes nothing under the final name', async () => {
    const file = path.join(dir, 'calls.csv');
    const controller = new AbortController();
    let seen = 0;
    const run = exportCallList(warehouse, {}, file, {
      signal: controller.signal,
      onProgress: ({ rows }) => {
        seen = rows;
        controller.abort();
      },
    });
    await expect(run).rejects.toThrow(/abort/i);
    expect(seen).toBe(18_000);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('calls.csv'))).toEqual([]);
    // And the same export, not stopped, is complete: 18,000 of 20,000 customers consent.
    const done = await exportCallList(warehouse, {}, file);
    expect(done).toMatchObject({ rows: 18_000, excludedNoConsent: 2_000 });
    expect(fs.readFileSync(file, 'utf8').split('\r\n')).toHaveLength(18_002);
  });

  it('starts again when DuckDB runs out of memory and the limit can be raised, else fails cleanly', async () => {
    const file = path.join(dir, 'tight.csv');
    const limit = (value: string) =>
      warehouse.write((db) => db.run(sql.raw(`SET memory_limit = '${value}'`)));
    await limit('2MB');
    try {
      await expect(exportCallList(warehouse, {}, file, { onOutOfMemory: async () => false })).rejects.toThrow(
        /Out of Memory/,
      );
      expect(fs.readdirSync(dir).filter((f) => f.startsWith('tight.csv'))).toEqual([]);

      const attempts: number[] = [];
      const done = await exportCallList(warehouse, {}, file, {
        onOutOfMemory: async (attempt) => {
          attempts.push(attempt);
          await limit('1GB');
          return true;
        },
      });
      expect(attempts).toEqual([1]);
      expect(done.rows).toBe(18_000);
      expect(fs.readFileSync(file, 'utf8').split('\r\n')).toHaveLength(18_002);
    } finally {
      await limit('1GB');
    }
  });

  it('ranks a long top-N the same as the whole list', async () => {
    const all = path.join(dir, 'all.csv');
    const top = path.join(dir, 'top.csv');
    await exportCallList(warehouse, {}, all);
    expect(await exportCallList(warehouse, { top: 15_000 }, top)).toMatchObject({
      rows: 15_000,
      eligible: 18_000,
    });
    const allLines = fs.readFileSync(all, 'utf8').split('\r\n');
    expect(fs.readFileSync(top, 'utf8').split('\r\n').slice(0, 15_001)).toEqual(allLines.slice(0, 15_001));
    const values = allLines.slice(1, -1).map((line) => Number(line.split(',')[6]));
    expect(values.every((v, i) => i === 0 || v <= (values[i - 1] ?? v))).toBe(true);
  });
});
