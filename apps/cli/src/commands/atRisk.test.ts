import fs from 'node:fs';
import path from 'node:path';
import { listAudit } from '@retain/access';
import { openCallListFixture } from '@retain/outreach/testing';
import { CALL_LIST_COLUMNS } from '@retain/schemas';
import { Warehouse } from '@retain/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERNAL_ERROR, runRetain } from '../testing/runRetain.ts';

const HEADER = CALL_LIST_COLUMNS.join(',');

describe('retain at-risk', () => {
  let db: string;
  let dir: string;
  let close: () => void;
  beforeAll(async () => {
    const fixture = await openCallListFixture();
    ({ dir, close } = fixture);
    db = fixture.warehouse.path;
    fixture.warehouse.close(); // the CLI opens it in its own process
  });
  afterAll(() => close());

  // Lists whose members are asserted one by one hold back nobody (--control 0): the control group
  // is drawn by the list's own id, new with each list (program.test.ts tests it).
  it('writes the top N to a file and prints the summary as JSON', async () => {
    const out = path.join(dir, 'calls.csv');
    const result = runRetain(['at-risk', '--db', db, '--top', '2', '--control', '0', '--out', out, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      cut: 'top',
      rows: 2,
      eligible: 7,
      excludedNoConsent: 2,
      excludedDoNotCall: 1,
      path: out,
    });
    const lines = fs.readFileSync(out, 'utf8').split('\r\n');
    expect(lines[0]).toBe(HEADER);
    expect(lines.slice(1, 3).map((l) => l.split(',').slice(0, 2).join(','))).toEqual(['1,C01', '2,C02']);
    const warehouse = await Warehouse.open(db, { readOnly: true });
    const [entry] = await listAudit(warehouse, { action: 'export', limit: 1 });
    warehouse.close();
    expect(entry).toMatchObject({ username: null, detail: { via: 'cli', filters: { top: 2 }, rows: 2 } });
  });

  it('prints the CSV when there is no --out, and says what a capacity covers', () => {
    // Nobody held back: the control group's random draw could otherwise take C01 off the printed list.
    const printed = runRetain(['at-risk', '--db', db, '--capacity', '3', '--control', '0', '--bom']);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout.startsWith(`\uFEFF${HEADER}\r\n1,C01,`)).toBe(true);
    expect(printed.stdout.split('\r\n')).toHaveLength(5);
    expect(printed.stderr).toContain(
      'Capacity 3 of 7 callable customers covers $1,500 of $2,350 value at risk (63.8%)',
    );
    expect(printed.stderr).toContain('Left out: 2 without contact consent, 1 "do not call"');
  });

  it('filters by repeated segments, value, probability and open complaints', () => {
    const ids = (flags: string[]) => {
      const result = runRetain(['at-risk', '--db', db, '--control', '0', ...flags]);
      expect(result.code, result.stderr).toBe(0);
      return result.stdout
        .trim()
        .split('\r\n')
        .slice(1)
        .map((l) => l.split(',')[1]);
    };
    expect(ids(['--open-complaint', 'yes'])).toEqual(['C01']);
    expect(ids(['--segment', 'Lost', '--segment', 'Loyal', '--min-value', '100'])).toEqual([
      'C03',
      'C07',
      'C09',
    ]);
    expect(ids(['--open-complaint', 'no', '--region', 'North', '--max-probability', '0.8'])).toEqual([
      'C02',
      'C08',
    ]);
  }, 120_000);

  /** Runs each case with --out: exit 2, its message, no internal error, no file. */
  const refuses = (cases: Array<[string[], RegExp]>) => {
    const out = path.join(dir, 'bad.csv');
    for (const [flags, message] of cases) {
      const result = runRetain(['at-risk', '--db', db, '--out', out, ...flags]);
      expect(result.code, flags.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(INTERNAL_ERROR);
    }
    expect(fs.existsSync(out)).toBe(false);
  };

  it('exits 2 on bad flags, naming the flag, and writes nothing', () => {
    refuses([
      [['--top', '5', '--capacity', '5'], /choose --top or --capacity/],
      [['--min-probability', '1.5'], /--min-probability: must be a probability from 0 to 1 \(got 1\.5\)/],
      [['--top', 'many'], /--top: "many" is not a number/],
      [['--open-complaint', 'maybe'], /--open-complaint: "maybe" is not yes, no or any/],
      [['--has-phone', 'maybe'], /--has-phone: "maybe" is not yes, no or any/],
      [
        ['--phone-country', 'GBR'],
        /--phone-country: must be a two-letter country code \(ISO 3166-1\), e\.g\. GB/,
      ],
      [['--phone-country', 'XX'], /No dialling rules for the country "XX"/],
    ]);
  }, 120_000);

  it('refuses a capacity of 0 or −5 and an impossible probability range, instead of listing everyone', () => {
    refuses([
      [
        ['--min-probability', '0.9', '--max-probability', '0.1'],
        /--max-probability: must not be below the lowest probability asked for \(0\.9\): no churn probability is at least 0\.9 and at most 0\.1/,
      ],
      [['--capacity', '0'], /--capacity: must be at least 1: the number of calls \(got 0\)/],
      [['--capacity', '-5'], /--capacity: must be at least 1: the number of calls \(got -5\)/],
      [['--capacity=-5'], /--capacity: must be at least 1: the number of calls \(got -5\)/],
      [['--capacity', '2.5'], /--capacity: must be a whole number of calls \(got 2\.5\)/],
      [['--top', '0'], /--top: must be at least 1: the number of customers \(got 0\)/],
    ]);
  }, 120_000);

  it('writes phone_e164 for a dialler, says how many listed have none, and lists only reachable ones when asked', () => {
    const all = runRetain(['at-risk', '--db', db, '--control', '0']);
    expect(all.code, all.stderr).toBe(0);
    const [header, first] = all.stdout.split('\r\n');
    expect(header).toBe(HEADER);
    expect(header?.startsWith('rank,customer_id,name,phone,email,churn_probability,value_at_risk')).toBe(
      true,
    );
    // The number as typed keeps its leading '; the E.164 one is written as a dialler reads it.
    expect(first).toContain(",'+44 20 7946 0001,");
    expect(first).toContain(',+442079460001,At risk,At risk');
    expect(all.stderr).toContain('All 7 callable customers: --capacity N lists the N most valuable calls.');
    expect(all.stderr).toContain(
      '3 of the listed have no phone number a dialler can call (empty phone_e164); --has-phone yes leaves them out.',
    );

    const reachable = runRetain(['at-risk', '--db', db, '--has-phone', 'yes', '--control', '0']);
    expect(reachable.code, reachable.stderr).toBe(0);
    const rows = reachable.stdout.trim().split('\r\n').slice(1);
    expect(rows.map((l) => l.split(',')[1])).toEqual(['C01', 'C07', 'C08', 'C09']);
    expect(rows.map((l) => l.split(',').at(-3))).toEqual([
      '+442079460001',
      '+447700900007',
      '+447700900008',
      '+12125550109',
    ]);
    expect(reachable.stderr).toContain(
      'Left out: 2 without contact consent, 1 "do not call", 0 contacted recently, 3 without a phone number.',
    );
    expect(reachable.stderr).not.toContain('have no phone number');

    // Read as American numbers, the British national one is none a dialler can call.
    const american = runRetain([
      'at-risk',
      '--db',
      db,
      '--has-phone',
      'yes',
      '--phone-country',
      'us',
      '--control',
      '0',
    ]);
    expect(american.code, american.stderr).toBe(0);
    expect(
      american.stdout
        .trim()
        .split('\r\n')
        .slice(1)
        .map((l) => l.split(',')[1]),
    ).toEqual(['C01', 'C08', 'C09']);
  }, 120_000);

  it('exits 2 naming an --out that is a folder or in a missing folder, before any work, leaving nothing', async () => {
    const exports = async () => {
      const warehouse = await Warehouse.open(db, { readOnly: true });
      try {
        return (await listAudit(warehouse, { action: 'export' })).length;
      } finally {
        warehouse.close();
      }
    };
    const before = await exports();
    const files = fs.readdirSync(dir).sort();
    const folder = path.join(dir, 'lists');
    fs.mkdirSync(folder);
    const missing = path.join(dir, 'missing', 'calls.csv');
    const cases: Array<[string, string]> = [
      [folder, `error: --out ${folder} is a folder: name a file`],
      [missing, `error: --out ${missing}: the folder ${path.dirname(missing)} does not exist`],
    ];
    for (const [out, message] of cases) {
      const result = runRetain(['at-risk', '--db', db, '--top', '2', '--out', out, '--json']);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toMatch(INTERNAL_ERROR);
      expect(result.stdout).toBe('');
    }
    expect(fs.readdirSync(folder)).toEqual([]);
    expect(fs.readdirSync(dir).sort()).toEqual([...files, 'lists'].sort()); // no partial file beside
    expect(await exports()).toBe(before);
    fs.rmdirSync(folder);
  });

  it('exits 2 with what to run when nothing is scored yet', () => {
    const result = runRetain([
      'at-risk',
      '--db',
      path.join(dir, 'empty.duckdb'),
      '--out',
      path.join(dir, 'x.csv'),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('retain train');
    expect(fs.existsSync(path.join(dir, 'x.csv'))).toBe(false);
  });
});
