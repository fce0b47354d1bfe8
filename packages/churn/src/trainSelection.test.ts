import fs from 'node:fs';
import path from 'node:path';
import { query } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from './backend.ts';
import { dayNumber } from './dates.ts';
import { encode } from './features/encode.ts';
import { FeatureExtractor } from './features/extractFeatures.ts';
import { mlpLogits } from './model/mlp.ts';
import { fromTfjsFiles } from './model/tfjsFormat.ts';
import { getModel, listModels, modelFolder } from './registry.ts';
import { scoreCustomers } from './score.ts';
import { openHistory } from './testing/fixtures.ts';
import { plantedHistory } from './testing/plantedHistory.ts';
import { type TrainResult, trainChurnModel } from './train.ts';

/** What every scored version must hold, whichever scorer it ships. */
async function expectScored(warehouse: Parameters<typeof query>[0], result: TrainResult) {
  const [counts] = await query(
    warehouse,
    `SELECT count(*) AS scored,
            count(*) FILTER (WHERE churn_probability <= 0 OR churn_probability >= 1 OR isnan(churn_probability)) AS bad,
            count(*) FILTER (WHERE len(reasons) > 0) AS with_reasons,
            max(abs(value_at_risk - churn_probability * expected_revenue_12m)) AS var_error
     FROM scores WHERE model_id = '${result.modelId}'`,
  );
  expect(counts?.scored).toBe(result.scored.customers);
  expect(counts?.bad).toBe(0);
  expect(Number(counts?.with_reasons)).toBeGreaterThan(0);
  expect(Number(counts?.var_error)).toBeLessThan(1e-9);
}

describe('a purchase log drawn from BG/NBD itself', () => {
  let planted: Awaited<ReturnType<typeof openHistory>>;
  let result: TrainResult;
  beforeAll(async () => {
    planted = await openHistory(plantedHistory({ customers: 3_000, end: '2025-12-31', days: 730, seed: 1 }));
    result = await trainChurnModel(planted.warehouse, { runner: 'inline' });
  }, 600_000);
  afterAll(() => planted?.close());

  it('ships BG/NBD: no learned candidate beats the true model beyond the noise', () => {
    expect(result.selected.name).toBe('bgnbd');
    expect(result.selected.reason).toMatch(/BG\/NBD itself scores the customers/);
    const recency = result.candidates.find((c) => c.name === 'recency');
    // Recency alone misses the purchase rate: it is out by far more than its standard error.
    expect(-(recency?.versusSelected?.difference ?? 0)).toBeGreaterThan(
      3 * (recency?.versusSelected?.se ?? 1),
    );
  });

  it('trains and scores a plain log of purchase days: no amounts, complaints, returns or customers table', async () => {
    await expectScored(planted.warehouse, result);
    const [spend] = await query(
      planted.warehouse,
      `SELECT max(value_at_risk) AS value, count(*) FILTER (WHERE list_contains(reason_codes, 'spend')) AS spend_reasons
       FROM scores WHERE model_id = '${result.modelId}'`,
    );
    // Nothing was spent: no value at risk, and spend is never a reason.
    expect(spend).toEqual({ value: 0, spend_reasons: 0 });
    // BG/NBD's reasons name what it reads: days since the last order, orders, time as a customer.
    const codes = await query(
      planted.warehouse,
      `SELECT DISTINCT unnest(reason_codes) AS code FROM scores WHERE model_id = '${result.modelId}'`,
    );
    expect(codes.length).toBeGreaterThan(0);
    for (const { code } of codes) expect(['recency', 'frequency', 'tenure']).toContain(code);
    expect(result.featureImportance.groups[0]?.group).toMatch(/recency|frequency|tenure/);
  });

  it('saves BG/NBD as the version’s scorer, without network or trees, and rescores with it', async () => {
    const record = await getModel(planted.warehouse, result.modelId);
    if (!record) throw new Error('registered');
    expect(record.evaluation.selection?.name).toBe('bgnbd');
    expect(fs.readdirSync(modelFolder(planted.warehouse, record))).toEqual(['churn.json']);
    expect((await listModels(planted.warehouse))[0]).toMatchObject({ scorer: 'bgnbd', active: true });
    const rescored = await scoreCustomers(planted.warehouse, { asOf: '2025-11-30', runner: 'inline' });
    expect(rescored.modelId).toBe(result.modelId);
    expect(rescored.customers).toBeGreaterThan(0);
  });
});

describe('a purchase log where complaints end customers, which BG/NBD cannot see', () => {
  let planted: Awaited<ReturnType<typeof openHistory>>;
  let result: TrainResult;
  beforeAll(async () => {
    planted = await openHistory(
      plantedHistory({ customers: 3_000, end: '2025-12-31', days: 730, seed: 1, complaints: true }),
    );
    result = await trainChurnModel(planted.warehouse);
  }, 600_000);
  afterAll(() => planted?.close());

  it('ships the stack: BG/NBD’s view of buying and the learners’ view of complaints together', () => {
    expect(result.selected.name).toBe('stack');
    expect(result.selected.reason).toMatch(/^Stacked model ranks churners best on 3 out-of-time snapshots/);
    for (const c of result.candidates) {
      if (c.name !== 'stack')
        expect(-(c.versusSelected?.difference ?? 0)).toBeGreaterThan(c.versusSelected?.se ?? 1);
    }
    expect(result.selection.warning).toBeNull();
  });

  it('explains the stack: complaints lead the importance, and are the reasons of those who complained', async () => {
    await expectScored(planted.warehouse, result);
    expect(result.featureImportance.groups.slice(0, 3).map((g) => g.group)).toContain('complaints');
    const [open] = await query(
      planted.warehouse,
      `SELECT count(*) AS n, count(*) FILTER (WHERE reason_codes[1] = 'complaints') AS first
       FROM scores s JOIN (SELECT DISTINCT customer_id FROM complaints WHERE resolved_at IS NULL) c USING (customer_id)
       WHERE s.model_id = '${result.modelId}'`,
    );
    expect(Number(open?.first)).toBeGreaterThan(0.8 * Number(open?.n));
    const folder = path.join(path.dirname(planted.warehouse.path), 'models', result.modelId);
    expect(fs.readdirSync(folder).sort()).toEqual(['churn.json', 'model.json', 'trees.json', 'weights.bin']);
  });

  it('still scores a version saved before the comparison: its network and calibration alone', async () => {
    // Rewrite the version's files as versions were written then: no scorer, the network's calibration.
    const folder = path.join(path.dirname(planted.warehouse.path), 'models', result.modelId);
    const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'churn.json'), 'utf8'));
    const { scorer: _scorer, ...legacy } = manifest;
    fs.writeFileSync(
      path.join(folder, 'churn.json'),
      JSON.stringify({ ...legacy, calibration: { method: 'platt', a: 1.3, b: -0.2 } }),
    );
    fs.rmSync(path.join(folder, 'trees.json'));
    const asOf = '2025-12-31';
    await scoreCustomers(planted.warehouse, { asOf, runner: 'inline' });
    const scored = await query(
      planted.warehouse,
      `SELECT customer_id, churn_probability FROM scores
       WHERE model_id = '${result.modelId}' AND as_of = DATE '${asOf}' ORDER BY customer_id`,
    );
    const { tf } = await loadBackend();
    const weights = await fromTfjsFiles(
      tf,
      JSON.parse(fs.readFileSync(path.join(folder, 'model.json'), 'utf8')),
      fs.readFileSync(path.join(folder, 'weights.bin')),
    );
    const extractor = await FeatureExtractor.open(planted.warehouse, dayNumber(asOf));
    const table = await extractor.extract([{ day: dayNumber(asOf), rate: 1 }], {
      labels: false,
      horizonDays: 90,
      seed: 42,
    });
    extractor.close();
    const cols = legacy.normalisation.columns.length;
    const logits = mlpLogits(tf, weights, { x: encode(table, legacy.normalisation), rows: table.rows, cols });
    const expected = new Map(
      table.customerId.map((id, i) => [id, 1 / (1 + Math.exp(-(1.3 * (logits[i] ?? 0) - 0.2)))]),
    );
    expect(scored).toHaveLength(table.rows);
    for (const row of scored)
      expect(row.churn_probability).toBeCloseTo(expected.get(String(row.customer_id)) ?? -1, 5);
  });
});

describe('a short history', () => {
  it('degrades to one out-of-time snapshot, says so, and still trains and scores', async () => {
    const planted = await openHistory(
      plantedHistory({ customers: 800, end: '2025-12-31', days: 300, seed: 2, complaints: true }),
    );
    try {
      const result = await trainChurnModel(planted.warehouse, { runner: 'inline' });
      expect(result.origins).toHaveLength(1);
      expect(result.notes.join(' ')).toMatch(/compared on one out-of-time snapshot instead of 3/);
      expect(result.selection.warning).toMatch(/only one out-of-time snapshot/);
      expect(result.selected.reason).toMatch(/on 1 out-of-time snapshot \(/);
      await expectScored(planted.warehouse, result);
    } finally {
      planted.close();
    }
  }, 600_000);
});
