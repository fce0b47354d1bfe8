import path from 'node:path';
import { dbNumber, sql, Warehouse } from '@retain/warehouse';
import { openTestWarehouse, tempDir } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testCluster } from './testing/cluster.ts';
import { type MappedDemo, mapDemo } from './testing/mappedDemo.ts';
import { retainCommand as retain, STACK_TRACE as STACK, unreachableEngine } from './testing/retainCommand.ts';

/*
 * `retain train` and `retain score` with --engine: the features are extracted on the cluster from
 * the mapped facts, the model is fitted here and saved with its scores in a local database file
 * that holds no facts at all. The draws are the same on both engines, so the model and its scores
 * equal those trained on the embedded file holding the same history; a cluster that cannot be
 * reached is one line, exit code 1, and no model.
 */

const cluster = testCluster();

/** A database file with Retain's schema and no data, as a cluster's user keeps beside it. */
async function emptyDatabase(dir: string, name: string): Promise<string> {
  const warehouse = await openTestWarehouse(dir, name);
  const file = warehouse.path;
  warehouse.close();
  return file;
}

/** The file's scores of one model, by customer, and its count of models and purchases. */
async function readBack(file: string, modelId: string) {
  const warehouse = await Warehouse.open(file, { readOnly: true });
  try {
    return await warehouse.read(async (db) => {
      const count = (table: string) =>
        db.scalar(sql`SELECT count(*) FROM ${sql.ident(table)}`, dbNumber).catch(() => 0);
      // A file no model was saved in may have no churn tables at all.
      const rows = await db
        .query(
          sql`SELECT customer_id, churn_probability, value_at_risk FROM scores WHERE model_id = ${modelId}`,
          z.object({ customer_id: z.string(), churn_probability: dbNumber, value_at_risk: dbNumber }),
        )
        .catch(() => []);
      return {
        scores: new Map(rows.map((r) => [r.customer_id, r])),
        models: await count('models'),
        purchases: await count('purchases'),
      };
    });
  } finally {
    warehouse.close();
  }
}

const trainJson = z.object({
  modelId: z.string(),
  asOf: z.string(),
  selected: z.object({ name: z.string() }),
  validation: z.object({ auc: z.number(), brier: z.number(), rows: z.number() }),
  scored: z.object({ customers: z.number() }),
});

describe.skipIf(cluster === null)('retain train and score with --engine on a Trino cluster', () => {
  let demo: MappedDemo | null = null;
  let missing: MappedDemo | null = null;
  const temp = tempDir('retain-churn-engine-');
  let localDb = '';

  beforeAll(async () => {
    if (!cluster) return;
    demo = await mapDemo(cluster, {
      prefix: 'churn_engine',
      customers: 600,
      seed: 31,
      years: 2,
      end: '2025-06-30',
    });
    demo.warehouse.close();
    missing = await mapDemo(cluster, {
      prefix: 'churn_engine_missing',
      customers: 50,
      seed: 8,
      years: 1,
      end: '2025-06-30',
      skip: ['customers'],
    });
    missing.warehouse.close();
    // Not made beforehand: a first training on a cluster creates the file it keeps the model in.
    localDb = path.join(temp.dir, 'local.duckdb');
  }, 600_000);

  afterAll(async () => {
    await demo?.drop();
    await missing?.drop();
    temp.cleanup();
  });

  it('trains and scores on the cluster, keeping the model and scores locally, equal to the embedded ones', async () => {
    if (!demo) return;
    const embedded = retain(['train', '--json', '--db', demo.dbFile]);
    expect(embedded.stderr).toBe('');
    expect(embedded.code).toBe(0);
    const remote = retain(['train', '--json', '--db', localDb, '--engine', demo.engineUrl]);
    expect(remote.stderr).toBe('');
    expect(remote.code).toBe(0);
    const a = trainJson.parse(JSON.parse(embedded.stdout));
    const b = trainJson.parse(JSON.parse(remote.stdout));
    // The same rows drawn and the same fit: the same model card.
    expect(b.asOf).toBe(a.asOf);
    expect(b.selected.name).toBe(a.selected.name);
    expect(b.validation.rows).toBe(a.validation.rows);
    expect(b.validation.auc).toBeCloseTo(a.validation.auc, 6);
    expect(b.validation.brier).toBeCloseTo(a.validation.brier, 6);
    expect(b.scored.customers).toBe(a.scored.customers);

    const scoredRemote = retain(['score', '--json', '--db', localDb, '--engine', demo.engineUrl]);
    expect(scoredRemote.stderr).toBe('');
    expect(scoredRemote.code).toBe(0);
    expect(JSON.parse(scoredRemote.stdout)).toMatchObject({
      modelId: b.modelId,
      customers: a.scored.customers,
    });
    const scoredLocal = retain(['score', '--json', '--db', demo.dbFile]);
    expect(scoredLocal.code).toBe(0);

    const expected = await readBack(demo.dbFile, a.modelId);
    const actual = await readBack(localDb, b.modelId);
    expect(actual.purchases).toBe(0);
    expect(actual.models).toBe(1);
    expect(actual.scores.size).toBe(expected.scores.size);
    expect(actual.scores.size).toBeGreaterThan(300);
    const differences: string[] = [];
    for (const [id, row] of expected.scores) {
      const other = actual.scores.get(id);
      if (
        !other ||
        Math.abs(other.churn_probability - row.churn_probability) > 1e-6 ||
        Math.abs(other.value_at_risk - row.value_at_risk) > 1e-6 * Math.max(1, row.value_at_risk)
      ) {
        differences.push(`${id}: ${JSON.stringify(row)} / ${JSON.stringify(other)}`);
      }
    }
    expect(differences.slice(0, 10), `${differences.length} differences`).toEqual([]);
  });

  it('exits 1 with one line naming the engine when the cluster cannot be reached, and saves no model', async () => {
    const unreachable = await unreachableEngine();
    const file = await emptyDatabase(temp.dir, 'unreachable.duckdb');
    for (const verb of ['train', 'score']) {
      const result = retain([verb, '--db', file, '--engine', unreachable.url]);
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([unreachable.line]);
      expect(result.stderr).not.toMatch(STACK);
    }
    expect((await readBack(file, '')).models).toBe(0);
  });

  it('exits 2 naming a facts table the features read that the schema lacks, and saves no model', async () => {
    if (!missing) return;
    const file = await emptyDatabase(temp.dir, 'missing.duckdb');
    const result = retain(['train', '--json', '--db', file, '--engine', missing.engineUrl]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(`^error: Trino at [^:]+:\\d+: table lake\\.${missing.schema}\\.customers does not exist`),
    );
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'engine_table_missing' } });
    expect((await readBack(file, '')).models).toBe(0);
  });
});
