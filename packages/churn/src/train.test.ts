import fs from 'node:fs';
import path from 'node:path';
import { query } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REASON_LABELS } from './explain/reasons.ts';
import { REASON_GROUPS } from './features/featureSpec.ts';
import { getModel, listModels } from './registry.ts';
import { scoreCustomers } from './score.ts';
import { openDemoWarehouse } from './testing/fixtures.ts';
import { removeLeftovers, type TrainResult, trainChurnModel } from './train.ts';
import { TrainingAbortedError } from './worker/workerClient.ts';

let demo: Awaited<ReturnType<typeof openDemoWarehouse>>;
let first: TrainResult;
const events: string[] = [];

beforeAll(async () => {
  demo = await openDemoWarehouse(1_500);
  first = await trainChurnModel(demo.warehouse, { onProgress: (p) => events.push(p.phase) });
}, 120_000);
afterAll(() => demo.close());

const latestModel = async () =>
  (await query(demo.warehouse, 'SELECT DISTINCT model_id FROM latest_scores'))[0]?.model_id;

describe('training a model version end to end (in a worker thread)', () => {
  it('reports the backend, out-of-time validation metrics and every baseline', () => {
    expect(['tensorflow', 'wasm', 'cpu']).toContain(first.backend);
    expect(first.asOf).toBe('2025-12-31');
    expect(first.snapshots.validation).toBe('2025-10-02');
    expect(first.snapshots.training[0]).toBe('2025-07-04');
    for (const m of [first.validation, ...Object.values(first.baselines)]) {
      expect(m.auc).toBeGreaterThan(0.5);
      expect(m.calibration).toHaveLength(10);
    }
    expect(first.validation.rows).toBe(first.baselines.bgnbd.rows);
    expect(events).toContain('validation-fit');
    expect(events).toContain('final-fit');
    expect(events.at(-1)).toBe('done');
  });

  it('registers the version with its files, and it is the active one', async () => {
    const models = await listModels(demo.warehouse);
    expect(models[0]).toMatchObject({ modelId: first.modelId, active: true, scoredAsOf: ['2025-12-31'] });
    const folder = path.join(demo.dir, 'models', first.modelId);
    expect(fs.readdirSync(folder).sort()).toEqual(['churn.json', 'model.json', 'weights.bin']);
  });

  it('scores every customer with an order by T once, with at most three reasons that raise the risk', async () => {
    const [counts] = await query(
      demo.warehouse,
      `SELECT (SELECT count(*) FROM latest_scores) AS scored,
              (SELECT count(DISTINCT customer_id) FROM latest_scores) AS distinct_customers,
              (SELECT count(DISTINCT customer_id) FROM purchases WHERE order_date < TIMESTAMP '2026-01-01') AS buyers,
              (SELECT max(len(reasons)) FROM latest_scores) AS max_reasons,
              (SELECT count(*) FROM scores WHERE len(reasons) <> len(reason_codes) OR len(reasons) <> len(reason_impacts)) AS ragged,
              (SELECT count(*) FROM scores WHERE list_min(reason_impacts) <= 0) AS non_positive,
              (SELECT max(abs(value_at_risk - churn_probability * expected_revenue_12m)) FROM scores) AS var_error,
              (SELECT count(*) FROM latest_scores WHERE churn_probability < 0 OR churn_probability > 1) AS out_of_range`,
    );
    expect(counts).toMatchObject({
      scored: first.scored.customers,
      distinct_customers: first.scored.customers,
    });
    expect(counts?.buyers).toBe(first.scored.customers);
    expect(counts?.max_reasons).toBeLessThanOrEqual(3);
    expect(counts).toMatchObject({ ragged: 0, non_positive: 0, out_of_range: 0 });
    expect(Number(counts?.var_error)).toBeLessThan(1e-9);
  });

  it('stores ROC and PR curves of the model and each baseline, and the importance of each group', async () => {
    const stored = (await getModel(demo.warehouse, first.modelId))?.evaluation;
    expect(stored?.curves).toEqual(first.curves);
    expect(Object.keys(first.curves).sort()).toEqual(['bgnbd', 'gbt', 'model', 'recency', 'rfmLogistic']);
    const metrics = { model: first.validation, ...first.baselines };
    for (const [key, { roc, pr }] of Object.entries(first.curves)) {
      expect(roc.length).toBeLessThanOrEqual(100);
      expect(roc[0]).toEqual({ fpr: 0, tpr: 0, threshold: null });
      expect(roc.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
      expect(pr.at(-1)).toMatchObject({ recall: 1 });
      expect(pr.at(-1)?.precision).toBeCloseTo(first.validation.churnRate, 4);
      let area = 0;
      for (let k = 1; k < roc.length; k++) {
        const [a, b] = [roc[k - 1], roc[k]];
        area += ((b?.fpr ?? 0) - (a?.fpr ?? 0)) * (((a?.tpr ?? 0) + (b?.tpr ?? 0)) / 2);
      }
      expect(Math.abs(area - (metrics[key as keyof typeof metrics].auc ?? 0)), key).toBeLessThan(0.01);
    }

    const importance = stored?.featureImportance;
    expect(importance).toEqual(first.featureImportance);
    expect(importance).toMatchObject({
      method: 'mean-abs-occlusion',
      unit: 'log-odds',
      population: 'validation',
    });
    expect(importance?.rows).toBe(first.validation.rows);
    const groups = importance?.groups ?? [];
    expect(groups.map((g) => g.group).sort()).toEqual([...REASON_GROUPS].sort());
    for (const g of groups) expect(g.label).toBe(REASON_LABELS[g.group as keyof typeof REASON_LABELS]);
    const values = groups.map((g) => g.importance);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    expect(values[0]).toBeGreaterThan(0);
  });

  it('removes version folders nobody registered once they are an hour old, never a registered one', async () => {
    const models = path.join(demo.dir, 'models');
    const plant = (modelId: string, at: string) => {
      const folder = path.join(models, modelId);
      fs.mkdirSync(folder);
      fs.writeFileSync(
        path.join(folder, 'churn.json'),
        JSON.stringify({ modelId, database: path.basename(demo.warehouse.path) }),
      );
      fs.utimesSync(folder, new Date(at), new Date(at));
    };
    plant('m-20260101-100000-0001', '2026-01-01T10:00:00Z');
    plant('m-20260101-113000-0002', '2026-01-01T11:30:00Z');
    fs.utimesSync(path.join(models, first.modelId), new Date(0), new Date(0));
    const removed = await removeLeftovers(demo.warehouse, models, Date.parse('2026-01-01T12:00:00Z'));
    expect(removed).toEqual(['m-20260101-100000-0001']);
    expect(fs.readdirSync(models).sort()).toEqual([first.modelId, 'm-20260101-113000-0002'].sort());
    fs.rmSync(path.join(models, 'm-20260101-113000-0002'), { recursive: true });
  });

  it('leaves the previous model active when a training fails before registering', async () => {
    // An old unregistered version folder, as a process killed before registering leaves it: the
    // training's start removes it.
    const orphan = path.join(demo.dir, 'models', 'm-20250101-000000-dead');
    fs.mkdirSync(orphan);
    fs.writeFileSync(
      path.join(orphan, 'churn.json'),
      JSON.stringify({ modelId: 'm-20250101-000000-dead', database: path.basename(demo.warehouse.path) }),
    );
    fs.utimesSync(orphan, new Date('2025-01-01T00:00:00Z'), new Date('2025-01-01T00:00:00Z'));
    const before = await query(demo.warehouse, 'SELECT count(*) AS n FROM models');
    await expect(
      trainChurnModel(demo.warehouse, {
        runner: 'inline',
        beforeRegister: () => {
          throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    expect(await query(demo.warehouse, 'SELECT count(*) AS n FROM models')).toEqual(before);
    expect(await latestModel()).toBe(first.modelId);
    const folders = fs.readdirSync(path.join(demo.dir, 'models'));
    expect(folders).toEqual([first.modelId]);
  });

  it('stops at once when cancelled, leaving everything as it was', async () => {
    const controller = new AbortController();
    const run = trainChurnModel(demo.warehouse, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'validation-fit') controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(TrainingAbortedError);
    expect(await latestModel()).toBe(first.modelId);
    expect((await listModels(demo.warehouse)).map((m) => m.modelId)).toEqual([first.modelId]);
  });

  it('rescores at another date with the same model, keeping each run', async () => {
    const result = await scoreCustomers(demo.warehouse, { asOf: '2025-09-30', runner: 'inline' });
    expect(result.modelId).toBe(first.modelId);
    expect(result.customers).toBeGreaterThan(0);
    expect(result.customers).toBeLessThan(first.scored.customers);
    const runs = await query(
      demo.warehouse,
      "SELECT strftime(as_of, '%Y-%m-%d') AS as_of FROM score_runs ORDER BY as_of",
    );
    expect(runs.map((r) => r.as_of)).toEqual(['2025-09-30', '2025-12-31']);
    // latest_scores serves the newest model at its latest as-of date.
    const [latest] = await query(
      demo.warehouse,
      "SELECT DISTINCT strftime(as_of, '%Y-%m-%d') AS as_of FROM latest_scores",
    );
    expect(latest?.as_of).toBe('2025-12-31');
  });
});
