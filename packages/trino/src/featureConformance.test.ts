import {
  type ExtractOptions,
  FeatureExtractor,
  type FeatureSource,
  type FeatureTable,
  levelOf,
  orderRange,
  type SnapshotRequest,
} from '@retain/churn';
import { sql, type Warehouse } from '@retain/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { TrinoDb } from './TrinoDb.ts';
import { testCluster } from './testing/cluster.ts';
import { type MappedDemo, mapDemo } from './testing/mappedDemo.ts';

/*
 * The churn features on Trino equal DuckDB's row for row: one seeded demo history is ingested into
 * an embedded warehouse and mapped on the cluster, the order cache is built on each engine, and the
 * features with labels of several snapshots at three as-of dates are extracted on both and compared
 * row by row: the customer, the snapshot, every raw feature (to 1e-9), channel, region, the label,
 * and the draws (holdout, fold, sampling draw), which both engines make from the same MD5 digest.
 */

const cluster = testCluster();

/** What was compared: feature rows, and the values in them. */
const tally = { rows: 0, values: 0 };

const DAY_MS = 86_400_000;
const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;

/** Rows of a feature table keyed by snapshot and customer id, each as its named values. */
function rowsOf(table: FeatureTable): Map<string, Record<string, number | string>> {
  const out = new Map<string, Record<string, number | string>>();
  for (let i = 0; i < table.rows; i++) {
    const row: Record<string, number | string> = {
      customer_id: table.customerId[i] ?? '',
      snapshot: table.snapshot[i] ?? -1,
      customer: table.customer[i] ?? -1,
      holdout: table.holdout[i] ?? -1,
      fold: table.fold[i] ?? -1,
      sample_u: table.sampleU[i] ?? -1,
      label: table.label?.[i] ?? -1,
      channel: levelOf(table.channel, i),
      region: levelOf(table.region, i),
    };
    for (const [name, column] of Object.entries(table.raw)) row[name] = column[i] ?? -1;
    out.set(`${row.snapshot}/${row.customer_id}`, row);
  }
  return out;
}

/** Where two numbers differ beyond 1e-9 (relative to the larger, at least 1); NaN equals NaN. */
function differs(a: number | string, b: number | string): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a !== b;
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) !== Number.isNaN(b);
  return Math.abs(a - b) > 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

describe.skipIf(cluster === null)('churn features on Trino against DuckDB, row for row', () => {
  let demo: MappedDemo | null = null;
  let warehouse: Warehouse;
  let trino: TrinoDb;

  /** Extracts the same snapshots on both engines and lists where the rows differ. */
  async function compare(asOf: string, snapshots: SnapshotRequest[], options: ExtractOptions) {
    const asOfDay = dayOf(asOf);
    const extract = async (source: FeatureSource) => {
      const extractor = await FeatureExtractor.open(source, asOfDay);
      try {
        return await extractor.extract(snapshots, options);
      } finally {
        await extractor.close();
      }
    };
    const expected = rowsOf(await extract(warehouse));
    const actual = rowsOf(await extract(trino));
    const out: string[] = [];
    for (const [key, row] of expected) {
      const other = actual.get(key);
      if (!other) {
        out.push(`${asOf} ${key}: only on DuckDB`);
        continue;
      }
      for (const [name, value] of Object.entries(row)) {
        if (differs(value, other[name] ?? Number.NaN)) {
          out.push(`${asOf} ${key} ${name}: DuckDB ${value}, Trino ${other[name]}`);
        }
        tally.values += 1;
      }
    }
    for (const key of actual.keys()) if (!expected.has(key)) out.push(`${asOf} ${key}: only on Trino`);
    tally.rows += expected.size;
    expect(out.slice(0, 20), `${out.length} differences`).toEqual([]);
    return expected.size;
  }

  beforeAll(async () => {
    if (!cluster) return;
    demo = await mapDemo(cluster, {
      prefix: 'churn_features',
      customers: 1500,
      seed: 23,
      years: 3,
      end: '2025-06-30',
    });
    ({ warehouse, trino } = demo);
  }, 600_000);

  afterAll(async () => {
    await demo?.drop();
    if (tally.rows > 0)
      console.log(`feature conformance: ${tally.rows} rows × ${tally.values} values compared`);
  });

  it('sees the same order range on both engines', async () => {
    if (!demo) return;
    expect(await orderRange(trino)).toEqual(await orderRange(warehouse));
  });

  it.each([
    ['2025-06-30', 90],
    ['2025-01-15', 60],
    ['2024-09-30', 120],
  ])('gives every labelled feature row alike at %s (horizon %i days)', async (asOf, horizonDays) => {
    if (!demo) return;
    const asOfDay = dayOf(asOf);
    // Snapshots one horizon apart back from T − H, all of their customers, labelled.
    const snapshots = [1, 2, 3, 4].map((k) => ({ day: asOfDay - k * horizonDays, rate: 1 }));
    const rows = await compare(asOf, snapshots, { labels: true, horizonDays, seed: 42 });
    expect(rows).toBeGreaterThan(1000);
  });

  it('draws the same sample, holdout and folds (sampled snapshots, another seed)', async () => {
    if (!demo) return;
    const asOfDay = dayOf('2025-06-30');
    const snapshots = [
      { day: asOfDay - 90, rate: 0.6 },
      { day: asOfDay - 180, rate: 0.25 },
      { day: asOfDay - 270, rate: 0.25 },
    ];
    const rows = await compare('2025-06-30', snapshots, {
      labels: true,
      horizonDays: 90,
      seed: 7,
      holdoutShare: 0.2,
    });
    expect(rows).toBeGreaterThan(300);
    // The scoring rows at T, without labels.
    await compare('2025-06-30', [{ day: asOfDay, rate: 1 }], { labels: false, horizonDays: 90, seed: 42 });
  });

  it('keeps the order cache beside the facts and leaves no extraction tables behind', async () => {
    if (!demo) return;
    const schema = demo.schema;
    const tables = async () =>
      (
        await trino.query(
          sql`SELECT table_name FROM information_schema.tables WHERE table_schema = ${schema}`,
          z.object({ table_name: z.string() }),
        )
      )
        .map((r) => r.table_name)
        .sort();
    const extractor = await FeatureExtractor.open(trino, dayOf('2025-06-30'));
    const open = await tables();
    expect(open).toEqual(
      expect.arrayContaining(['churn_engine_state', 'churn_first', 'churn_levels', 'churn_orders']),
    );
    expect(open.filter((name) => name.startsWith('churn_x_'))).toHaveLength(2);
    expect(await extractor.population([dayOf('2025-03-31')])).toEqual([expect.any(Number)]);
    await extractor.close();
    const closed = await tables();
    expect(closed.filter((name) => name.startsWith('churn_x_') || name.startsWith('churn_build_'))).toEqual(
      [],
    );
    expect(closed).toContain('churn_orders');
  });
});
