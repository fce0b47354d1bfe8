import fs from 'node:fs';
import path from 'node:path';
import { dbNumber, sql, Warehouse } from '@retain/warehouse';
import { openTestWarehouse, tempDir } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testCluster } from './testing/cluster.ts';
import { type MappedDemo, mapDemo } from './testing/mappedDemo.ts';
import {
  retainCommand as retain,
  STACK_TRACE as STACK,
  trainBothWays,
  unreachableEngine,
} from './testing/retainCommand.ts';

/*
 * `retain at-risk --engine`: the ranking on the local scores, the facts of the scored customers
 * read from the cluster in batches. Trained and scored both ways with the same seed, the call list
 * from a file holding no facts equals the embedded file's: members, order and figures.
 */

const cluster = testCluster();

/** RFC 4180 fields of a CSV text's lines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted && ch === '"' && text[i + 1] === '"') {
      field += '"';
      i += 1;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (!quoted && ch === ',') {
      row.push(field);
      field = '';
    } else if (!quoted && ch === '\n') {
      row.push(field.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += ch;
    }
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

const NUMBERS = new Set(['churn_probability', 'value_at_risk']);

/** Cells that differ between two call lists (numbers to 1e-4 of their rounding). */
function csvDifferences(expected: string, actual: string): string[] {
  const [a, b] = [parseCsv(expected), parseCsv(actual)];
  const header = a[0] ?? [];
  const out: string[] = [];
  if (a.length !== b.length) out.push(`rows ${a.length} / ${b.length}`);
  for (let r = 0; r < Math.min(a.length, b.length); r++) {
    for (let c = 0; c < header.length; c++) {
      const [x, y] = [a[r]?.[c] ?? '', b[r]?.[c] ?? ''];
      const name = header[c] ?? '';
      const same =
        NUMBERS.has(name) && r > 0
          ? Math.abs(Number(x) - Number(y)) <= 1.01e-4 * Math.max(1, Math.abs(Number(x)))
          : x === y;
      if (!same) out.push(`row ${r} ${name}: ${x} / ${y}`);
    }
  }
  return out;
}

const summaryJson = z.object({
  rows: z.number(),
  eligible: z.number(),
  excludedNoConsent: z.number(),
  excludedDoNotCall: z.number(),
  onOtherList: z.number(),
  listedWithoutPhone: z.number(),
  phoneCountry: z.string().nullable(),
  valueAtRiskEligible: z.number(),
  valueAtRiskListed: z.number(),
  treated: z.number(),
  control: z.number(),
});

async function savedLists(file: string): Promise<number> {
  const warehouse = await Warehouse.open(file, { readOnly: true });
  try {
    return await warehouse.read((db) =>
      db.scalar(sql`SELECT count(*) FROM call_lists`, dbNumber).catch(() => 0),
    );
  } finally {
    warehouse.close();
  }
}

describe.skipIf(cluster === null)('retain at-risk with --engine on a Trino cluster', () => {
  let demo: MappedDemo | null = null;
  const temp = tempDir('retain-call-list-engine-');
  let localDb = '';
  let region = '';

  beforeAll(async () => {
    if (!cluster) return;
    demo = await mapDemo(cluster, {
      prefix: 'call_list_engine',
      customers: 600,
      seed: 47,
      years: 2,
      end: '2025-06-30',
    });
    region = await demo.warehouse.scalar(
      sql`SELECT region FROM customers WHERE region IS NOT NULL GROUP BY region ORDER BY count(*) DESC, region LIMIT 1`,
      z.string(),
    );
    demo.warehouse.close();
    localDb = path.join(temp.dir, 'local.duckdb');
    trainBothWays(demo, localDb);
  }, 600_000);

  afterAll(async () => {
    await demo?.drop();
    temp.cleanup();
  });

  /** The list (CSV file and JSON summary) both ways with the same flags. */
  function bothWays(name: string, flags: string[]) {
    if (!demo) throw new Error('no demo');
    const [embedded, engine] = [
      { file: path.join(temp.dir, `${name}-embedded.csv`), args: ['--db', demo.dbFile] },
      {
        file: path.join(temp.dir, `${name}-engine.csv`),
        args: ['--db', localDb, '--engine', demo.engineUrl],
      },
    ].map(({ file, args }) => {
      const run = retain(['at-risk', '--json', '--control', '0', '--out', file, ...flags, ...args]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      return { csv: fs.readFileSync(file, 'utf8'), summary: summaryJson.parse(JSON.parse(run.stdout)) };
    });
    if (!embedded || !engine) throw new Error('two runs');
    return { embedded, engine };
  }

  function expectSameSummary(a: z.output<typeof summaryJson>, b: z.output<typeof summaryJson>) {
    const { valueAtRiskEligible, valueAtRiskListed, ...counts } = a;
    expect(b).toMatchObject(counts);
    expect(b.valueAtRiskEligible).toBeCloseTo(valueAtRiskEligible, 2);
    expect(b.valueAtRiskListed).toBeCloseTo(valueAtRiskListed, 2);
  }

  it('writes the same call list as the embedded file: members, order and figures', () => {
    const { embedded, engine } = bothWays('all', []);
    expect(embedded.summary.rows).toBeGreaterThan(50);
    expectSameSummary(embedded.summary, engine.summary);
    expect(csvDifferences(embedded.csv, engine.csv).slice(0, 10)).toEqual([]);
  });

  it('keeps the same members under a filter on a fact (region) and a cut', () => {
    const { embedded, engine } = bothWays('region', [
      '--region',
      region,
      '--capacity',
      '40',
      '--has-phone',
      'yes',
    ]);
    expect(embedded.summary.rows).toBeGreaterThan(0);
    expectSameSummary(embedded.summary, engine.summary);
    expect(csvDifferences(embedded.csv, engine.csv).slice(0, 10)).toEqual([]);
  });

  it('exits 1 with one line when the cluster cannot be reached, and writes nothing', async () => {
    const unreachable = await unreachableEngine();
    const empty = await openTestWarehouse(temp.dir, 'unreachable.duckdb');
    const file = empty.path;
    empty.close();
    const out = path.join(temp.dir, 'unreachable.csv');
    const before = await savedLists(localDb);
    for (const db of [file, localDb]) {
      const result = retain(['at-risk', '--out', out, '--db', db, '--engine', unreachable.url]);
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([unreachable.line]);
      expect(result.stderr).not.toMatch(STACK);
    }
    expect(fs.existsSync(out)).toBe(false);
    expect(await savedLists(localDb)).toBe(before);
  });

  it('exits 2 naming a contact column the cluster’s customers lack, before anything is written', async () => {
    if (!demo) return;
    // Last: the customers lose their phone column on the cluster.
    await demo.trino.run(sql`CREATE TABLE customers_without_phone AS
      SELECT customer_id, name, email, region, channel, signup_date, contact_consent FROM customers`);
    await demo.trino.run(sql`DROP TABLE customers`);
    await demo.trino.run(sql`ALTER TABLE customers_without_phone RENAME TO customers`);
    const out = path.join(temp.dir, 'without-phone.csv');
    const before = await savedLists(localDb);
    const result = retain(['at-risk', '--out', out, '--db', localDb, '--engine', demo.engineUrl]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^error: Trino at .+: table lake\.\S+\.customers has no column phone \(the call list read /,
      ),
    ]);
    expect(fs.existsSync(out)).toBe(false);
    expect(await savedLists(localDb)).toBe(before);
  });
});
