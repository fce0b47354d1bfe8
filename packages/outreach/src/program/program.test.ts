import fs from 'node:fs';
import path from 'node:path';
import { listAudit } from '@retain/access';
import { type CsvValue, csvLine } from '@retain/schemas';
import { ingest, sql, type Warehouse } from '@retain/warehouse';
import { openTestWarehouse, tempDir, writeFile, writeScores } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { UnknownListError } from '../errors.ts';
import { exportCallList } from '../exportCallList.ts';
import { generateScoredCustomers } from '../testing/index.ts';
import { controlDraw, controlDrawSql } from './controlDraw.ts';
import { loadCallLists } from './loadCallLists.ts';
import { measureProgram } from './measureProgram.ts';
import { saveCallList } from './saveCallList.ts';
import { listCallLists } from './savedLists.ts';

const csv = (rows: CsvValue[][]) => rows.map((row) => csvLine(row, false)).join('');
const NOW = new Date('2024-07-01T12:00:00Z');

describe('control assignment', () => {
  it('draws the same number in SQL as in JavaScript, uniform on [0, 1)', async () => {
    const { dir, cleanup } = tempDir('retain-draw-');
    const warehouse = await openTestWarehouse(dir);
    try {
      const drawn = await warehouse.read((db) =>
        db.query(
          sql`SELECT 'C' || i AS customer_id, ${controlDrawSql(db.dialect, sql`${'L-20240101-abcdef'}`, sql`'C' || i`)} AS draw
              FROM range(2000) t(i) ORDER BY i`,
          z.object({ customer_id: z.string(), draw: z.number() }),
        ),
      );
      for (const row of drawn) expect(row.draw).toBe(controlDraw('L-20240101-abcdef', row.customer_id));
      const held = drawn.filter((row) => row.draw < 0.1).length;
      expect(held).toBeGreaterThan(150);
      expect(held).toBeLessThan(250);
      // A fixed value, shared with the demo generator's copy of the rule.
      expect(controlDraw('L-20251212-demo01', 'C0000001')).toBeCloseTo(0.970020061, 8);
    } finally {
      warehouse.close();
      cleanup();
    }
  });
});

describe('saveCallList', () => {
  let dir: string;
  let cleanup: () => void;
  let warehouse: Warehouse;
  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('retain-lists-'));
    warehouse = await openTestWarehouse(dir);
    await generateScoredCustomers(warehouse, 5_000);
  });
  afterAll(() => {
    warehouse.close();
    cleanup();
  });

  const requester = { username: 'ana', via: 'api' } as const;

  it('holds back the control share by the seeded draw and gives the team its capacity of calls', async () => {
    const saved = await saveCallList(
      warehouse,
      { capacity: 1_000 },
      { settings: { controlShare: 0.2 }, now: NOW, idSuffix: 'aaaaaa', requester },
    );
    // Dated by the scores' as-of day, the day the ranking is true at.
    expect(saved).toMatchObject({
      listId: 'L-20240629-aaaaaa',
      date: '2024-06-29',
      treated: 1_000,
      capacity: 1_000,
    });
    expect(saved.control).toBeGreaterThan(180);
    expect(saved.control).toBeLessThan(320);
    expect(saved).toMatchObject({
      horizonDays: 90,
      controlShare: 0.2,
      measurableFrom: '2024-09-27',
      kind: 'at-risk',
    });
    const members = await warehouse.read((db) =>
      db.query(
        sql`SELECT customer_id, arm, rank FROM call_list_members WHERE list_id = ${saved.listId} ORDER BY rank`,
        z.object({ customer_id: z.string(), arm: z.string(), rank: z.number() }),
      ),
    );
    for (const m of members) {
      expect(m.arm).toBe(controlDraw(saved.listId, m.customer_id) < 0.2 ? 'control' : 'treated');
    }
    // Ranks run without gaps and the last member is one to call: no control group past the cut.
    expect(members.map((m) => m.rank)).toEqual(members.map((_, i) => i + 1));
    expect(members.at(-1)?.arm).toBe('treated');
    const audit = await listAudit(warehouse, { action: 'save-list' });
    expect(audit[0]?.detail).toMatchObject({
      listId: saved.listId,
      treated: 1_000,
      control: saved.control,
      via: 'api',
    });
  });

  it('exports the treated only; a re-export gives the same customers', async () => {
    const saved = await saveCallList(warehouse, { top: 300 }, { now: NOW, idSuffix: 'bbbbbb' });
    const file = path.join(dir, 'calls.csv');
    const first = await exportCallList(warehouse, {}, file, { now: NOW, listId: saved.listId });
    expect(first.rows).toBe(saved.treated);
    const ids = (text: string) =>
      text
        .split('\r\n')
        .slice(1, -1)
        .map((line) => line.split(',')[1]);
    const written = ids(fs.readFileSync(file, 'utf8'));
    const control = await warehouse.read((db) =>
      db.query(
        sql`SELECT customer_id FROM call_list_members WHERE list_id = ${saved.listId} AND arm = 'control'`,
        z.object({ customer_id: z.string() }),
      ),
    );
    expect(control.length).toBe(saved.control);
    for (const c of control) expect(written).not.toContain(c.customer_id);
    await exportCallList(warehouse, {}, file, { now: NOW, listId: saved.listId });
    expect(ids(fs.readFileSync(file, 'utf8'))).toEqual(written);
  });

  it('re-creating a list with the same id on the same data gives the same members', async () => {
    const { dir: other, cleanup: done } = tempDir('retain-lists-again-');
    const again = await openTestWarehouse(other);
    try {
      await generateScoredCustomers(again, 5_000);
      const a = await saveCallList(warehouse, { capacity: 200 }, { now: NOW, idSuffix: 'cccccc' });
      const b = await saveCallList(again, { capacity: 200 }, { now: NOW, idSuffix: 'cccccc' });
      const members = (w: Warehouse, id: string) =>
        w.read((db) =>
          db.query(
            sql`SELECT customer_id, arm FROM call_list_members WHERE list_id = ${id} ORDER BY rank`,
            z.object({ customer_id: z.string(), arm: z.string() }),
          ),
        );
      expect(await members(again, b.listId)).toEqual(await members(warehouse, a.listId));
    } finally {
      again.close();
      done();
    }
  });

  it('allows no control group, and refuses a share above one half with nothing saved', async () => {
    const none = await saveCallList(
      warehouse,
      { top: 50 },
      { settings: { controlShare: 0 }, now: NOW, idSuffix: 'dddddd' },
    );
    expect(none).toMatchObject({ treated: 50, control: 0 });
    const before = (await listCallLists(warehouse)).length;
    await expect(
      saveCallList(warehouse, { top: 50 }, { settings: { controlShare: 0.6 }, now: NOW }),
    ).rejects.toThrow(/at most 0.5/);
    expect((await listCallLists(warehouse)).length).toBe(before);
  });
});

describe('measureProgram', () => {
  let dir: string;
  let cleanup: () => void;
  let warehouse: Warehouse;

  /*
   * L-20240101-aaaaaa (30 days): A1–A6 to call, B1–B4 held back. A1–A3 order within the 30 days
   * (100 each), A4 only after them; B1 within (50). B2 withdrew consent after being held back.
   * Calls: A1 reached, A2 no answer, A5 accepted an offer. Orders run to 2024-03-01.
   * L-20240301-bbbbbb (90 days): pending. L-20240101-cccccc: no control group.
   */
  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('retain-program-'));
    warehouse = await openTestWarehouse(dir);
    const customers: CsvValue[][] = [['customer_id', 'name', 'contact_consent']];
    for (const id of ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'B1', 'B2', 'B3', 'B4'])
      customers.push([id, id, id === 'B2' ? 'false' : 'true']);
    const purchases: CsvValue[][] = [
      ['order_id', 'customer_id', 'order_date', 'amount'],
      ['P0', 'A1', '2023-11-01 10:00:00', 10],
      ['P1', 'A1', '2024-01-15 10:00:00', 100],
      ['P2', 'A2', '2024-01-20 10:00:00', 60],
      ['P2', 'A2', '2024-01-20 10:00:00', 40],
      ['P3', 'A3', '2024-01-31 23:00:00', 100],
      ['P4', 'A4', '2024-02-15 10:00:00', 80],
      ['P5', 'B1', '2024-01-10 10:00:00', 50],
      ['P6', 'B3', '2024-01-01 18:00:00', 70],
      ['P7', 'A6', '2024-03-01 09:00:00', 20],
    ];
    await ingest(warehouse, [
      { section: 'customers', file: writeFile(dir, 'customers.csv', csv(customers)) },
      { section: 'purchases', file: writeFile(dir, 'purchases.csv', csv(purchases)) },
    ]);
    const members: CsvValue[][] = [
      ['list_id', 'customer_id', 'arm', 'rank', 'churn_probability', 'value_at_risk', 'expected_saved'],
    ];
    ['A1', 'A2', 'A3', 'A4', 'A5', 'A6'].forEach((id, i) => {
      members.push(['L-20240101-aaaaaa', id, 'treated', i + 1, 0.6, 100, 10]);
      members.push(['L-20240301-bbbbbb', id, 'treated', i + 1, 0.6, 100, 10]);
      members.push(['L-20240101-cccccc', id, 'treated', i + 1, 0.6, 100, 10]);
    });
    ['B1', 'B2', 'B3', 'B4'].forEach((id, i) => {
      members.push(['L-20240101-aaaaaa', id, 'control', i + 7, 0.6, 100, 10]);
      members.push(['L-20240301-bbbbbb', id, 'control', i + 7, 0.6, 100, 10]);
    });
    const lists: CsvValue[][] = [
      [
        'list_id',
        'kind',
        'list_date',
        'horizon_days',
        'control_share',
        'capacity',
        'filters',
        'call_effect',
        'created_at',
      ],
      ['L-20240101-aaaaaa', 'at-risk', '2024-01-01', 30, 0.4, '', '{}', '0.1', '2024-01-01T08:00:00Z'],
      ['L-20240301-bbbbbb', 'at-risk', '2024-03-01', 90, 0.4, '', '{}', '0.1', '2024-03-01T08:00:00Z'],
      ['L-20240101-cccccc', 'at-risk', '2024-01-01', 30, 0, '', '{}', '0.1', '2024-01-01T09:00:00Z'],
    ];
    const outcomes: CsvValue[][] = [
      ['customer_id', 'contacted_at', 'outcome', 'note', 'recorded_by'],
      ['A1', '2024-01-03 10:00:00', 'reached', '', 'ana'],
      ['A2', '2024-01-03 11:00:00', 'no_answer', '', 'ana'],
      ['A5', '2024-01-04 10:00:00', 'offer_accepted', 'took 10 % off', 'ana'],
    ];
    const files = {
      lists: writeFile(dir, 'call_lists.csv', csv(lists)),
      members: writeFile(dir, 'call_list_members.csv', csv(members)),
      outcomes: writeFile(dir, 'contact_outcomes.csv', csv(outcomes)),
    };
    expect(await loadCallLists(warehouse, files, { username: null, via: 'cli' })).toBe(3);
    expect(await loadCallLists(warehouse, files, { username: null, via: 'cli' })).toBe(0); // loaded once
  });
  afterAll(() => {
    warehouse.close();
    cleanup();
  });

  it('measures retention and revenue within the horizon, treated against control, intention to treat first', async () => {
    const report = await measureProgram(warehouse, { listId: 'L-20240101-aaaaaa' });
    expect(report.dataEnd).toBe('2024-03-01');
    const [list] = report.lists;
    expect(list).toMatchObject({ status: 'measured', treated: 6, control: 4, measurableFrom: '2024-01-31' });
    // A1, A2 and A3 (23:00 on the 30th day) ordered within the 30 days; A4 after; B1 within, B3 on the list's own day.
    expect(list?.effect).toMatchObject({
      treatedRate: 0.5,
      controlRate: 0.25,
      treatedRevenuePerCustomer: 50,
      controlRevenuePerCustomer: 12.5,
      treatedCustomers: 6,
      controlCustomers: 4, // B2 withdrew consent and stays in the analysis
      conclusive: false,
    });
    expect(list?.effect?.difference).toBeCloseTo(0.25, 10);
    expect(list?.effect?.lower).toBeCloseTo(-0.2973, 4);
    expect(list?.effect?.upper).toBeCloseTo(0.6233, 4);
    expect(list?.effect?.customersSaved).toBeCloseTo(1.5, 10);
    expect(list?.effect?.revenueSaved).toBeCloseTo(225, 8);
    expect(list?.note).toMatch(/cannot be told from noise yet/);
    // Contacted: A1 (retained) and A5 (not); A2's "no answer" is no contact.
    expect(list?.contacted).toMatchObject({ treatedCustomers: 2, treatedRate: 0.5, controlRate: 0.25 });
  });

  it('says when a list will be measurable, and that one without a control group cannot be', async () => {
    const report = await measureProgram(warehouse);
    const byId = new Map(report.lists.map((l) => [l.listId, l]));
    expect(byId.get('L-20240301-bbbbbb')).toMatchObject({
      status: 'pending',
      effect: null,
      measurableFrom: '2024-05-30',
    });
    expect(byId.get('L-20240301-bbbbbb')?.note).toBe(
      'Measurable from 2024-05-30, once orders up to that day are loaded (orders reach 2024-03-01).',
    );
    expect(byId.get('L-20240101-cccccc')).toMatchObject({ status: 'no-control', effect: null });
    expect(report.pooled).toMatchObject({ lists: 1, treatedCustomers: 6, controlCustomers: 4 });
    expect(report.pooled?.difference).toBeCloseTo(0.25, 10);
  });

  it('refuses a list id that does not exist', async () => {
    await expect(measureProgram(warehouse, { listId: 'L-20990101-zzzzzz' })).rejects.toThrow(
      UnknownListError,
    );
    await expect(measureProgram(warehouse, { listId: 'L-20990101-zzzzzz' })).rejects.toThrow(
      'No saved call list L-20990101-zzzzzz.',
    );
  });

  it('lists saved lists newest first with their counts', async () => {
    const lists = await listCallLists(warehouse);
    expect(lists.map((l) => [l.listId, l.treated, l.control])).toEqual([
      ['L-20240301-bbbbbb', 6, 4],
      ['L-20240101-cccccc', 6, 0],
      ['L-20240101-aaaaaa', 6, 4],
    ]);
  });
});

describe('an empty warehouse', () => {
  it('has no lists and nothing pooled', async () => {
    const { dir, cleanup } = tempDir('retain-program-empty-');
    const warehouse = await openTestWarehouse(dir);
    try {
      expect(await measureProgram(warehouse)).toEqual({
        dataEnd: null,
        lists: [],
        pooled: null,
        pooledContacted: null,
      });
      await writeScores(
        warehouse,
        `SELECT 'X' AS customer_id, 0.5 AS churn_probability, 1.0 AS value_at_risk, 'Lost' AS segment, []::VARCHAR[] AS reasons`,
      );
    } finally {
      warehouse.close();
      cleanup();
    }
  });
});
