import fs from 'node:fs';
import path from 'node:path';
import { listAudit } from '@retain/access';
import { openCallListFixture } from '@retain/outreach/testing';
import { type CsvValue, csvLine } from '@retain/schemas';
import { ingest, Warehouse } from '@retain/warehouse';
import { query, writeFile } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERNAL_ERROR, runRetain } from '../testing/runRetain.ts';

/** The customer ids of a written call list, in order. */
const idsIn = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\r\n')
    .slice(1, -1)
    .map((line) => line.split(',')[1]);

describe('retain at-risk --control, retain lists and retain program', () => {
  let db: string;
  let dir: string;
  let close: () => void;
  beforeAll(async () => {
    const fixture = await openCallListFixture();
    ({ dir, close } = fixture);
    db = fixture.warehouse.path;
    // C03 ordered once, in January 2023: more than 365 days before the scores' 2024-06-29, so lost.
    const lost: CsvValue[][] = [
      ['order_id', 'customer_id', 'order_date', 'amount'],
      ['OLD1', 'C03', '2023-01-10 10:00:00', 80],
    ];
    await ingest(fixture.warehouse, [
      { section: 'purchases', file: writeFile(dir, 'lost.csv', lost.map((r) => csvLine(r, false)).join('')) },
    ]);
    fixture.warehouse.close(); // the CLI opens it in its own process
  });
  afterAll(() => close());

  const members = async (listId: string) => {
    const warehouse = await Warehouse.open(db, { readOnly: true });
    try {
      const rows = await query(
        warehouse,
        `SELECT customer_id, arm FROM call_list_members WHERE list_id = '${listId.replace(/[^\w-]/g, '')}' ORDER BY rank`,
      );
      return rows.map((r) => ({ customer_id: String(r.customer_id), arm: String(r.arm) }));
    } finally {
      warehouse.close();
    }
  };

  it('saves the list with its control group, writes only the customers to call, and prints both as JSON', async () => {
    const out = path.join(dir, 'calls.csv');
    const result = runRetain([
      'at-risk',
      '--db',
      db,
      '--control',
      '0.5',
      '--horizon',
      '30',
      '--out',
      out,
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed).toMatchObject({
      date: '2024-06-29',
      kind: 'at-risk',
      horizonDays: 30,
      controlShare: 0.5,
      measurableFrom: '2024-07-29',
      eligible: 6, // C03 is lost: on the win-back list
      onOtherList: 1,
      path: out,
    });
    expect(printed.listId).toMatch(/^L-20240629-[0-9a-z]{6}$/);
    expect(printed.treated + printed.control).toBe(6);
    expect(printed.rows).toBe(printed.treated);
    const saved = await members(printed.listId);
    const control = saved.filter((m) => m.arm === 'control').map((m) => m.customer_id);
    const written = idsIn(out);
    expect(written).toEqual(saved.filter((m) => m.arm === 'treated').map((m) => m.customer_id));
    for (const id of control) expect(written).not.toContain(id);
    expect(written).not.toContain('C03');

    // Written again by its id: the same customers, and no new list.
    const again = path.join(dir, 'again.csv');
    const rerun = runRetain(['at-risk', '--db', db, '--list', printed.listId, '--out', again]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain(
      `Saved list ${printed.listId} (2024-06-29) written again: the same customers to call.`,
    );
    expect(idsIn(again)).toEqual(written);

    const lists = JSON.parse(runRetain(['lists', '--db', db, '--json']).stdout);
    expect(lists.lists).toHaveLength(1);
    expect(lists.lists[0]).toMatchObject({
      listId: printed.listId,
      treated: printed.treated,
      control: printed.control,
    });

    const program = runRetain(['program', '--db', db, '--list', printed.listId, '--json']);
    expect(program.code, program.stderr).toBe(0);
    const report = JSON.parse(program.stdout);
    expect(report.lists[0]).toMatchObject({
      listId: printed.listId,
      horizonDays: 30,
      measurableFrom: '2024-07-29',
      effect: null,
      status: 'pending',
    });
    expect(report.lists[0].note).toBe(
      'Measurable from 2024-07-29, once orders up to that day are loaded (orders reach 2024-06-01).',
    );
    expect(report.pooled).toBeNull();

    const warehouse = await Warehouse.open(db, { readOnly: true });
    const [entry] = await listAudit(warehouse, { action: 'save-list', limit: 1 });
    warehouse.close();
    expect(entry).toMatchObject({
      username: null,
      detail: { via: 'cli', listId: printed.listId, controlShare: 0.5 },
    });
  }, 120_000);

  it('allows no control group and says nothing can be measured; the win-back list holds the lost', () => {
    const out = path.join(dir, 'none.csv');
    const none = runRetain(['at-risk', '--db', db, '--control', '0', '--out', out]);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toContain('No control group (--control 0): nothing about this list can be measured.');
    expect(idsIn(out)).toEqual(['C01', 'C02', 'C07', 'C08', 'C09', 'C10']);

    const winBack = path.join(dir, 'win-back.csv');
    const lost = runRetain(['at-risk', '--db', db, '--win-back', '--control', '0', '--out', winBack]);
    expect(lost.code, lost.stderr).toBe(0);
    expect(idsIn(winBack)).toEqual(['C03']);
    expect(lost.stdout).toContain(
      '9 customers who can still be kept are on the at-risk list (without --win-back).',
    );
  }, 120_000);

  it('exits 2 on a control share outside 0–50 %, an unknown or malformed list id, and writes nothing', () => {
    const out = path.join(dir, 'bad.csv');
    for (const [args, message] of [
      [['at-risk', '--control', '0.6', '--out', out], /--control: must be at most 0\.5/],
      [
        ['at-risk', '--control', '-0.1', '--out', out],
        /--control: must be a share from 0 to 0\.5 \(got -0\.1\)/,
      ],
      [['at-risk', '--horizon', '3', '--out', out], /--horizon:/],
      [['at-risk', '--list', 'L-20990101-zzzzzz', '--out', out], /No saved call list L-20990101-zzzzzz\./],
      [
        ['at-risk', '--list', 'L-20990101-zzzzzz', '--top', '3', '--out', out],
        /--list writes a saved list again/,
      ],
      [['program', '--list', 'L-20990101-zzzzzz'], /No saved call list L-20990101-zzzzzz\./],
      [['program', '--list', 'list-1'], /--list: must be a list id such as L-20260930-k3x9qa/],
    ] as const) {
      const result = runRetain([...args, '--db', db]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(INTERNAL_ERROR);
    }
    expect(fs.existsSync(out)).toBe(false);
  }, 120_000);
});
