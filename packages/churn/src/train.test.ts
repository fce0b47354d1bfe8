import fs from 'node:fs';
import path from 'node:path';
import { generateDemo } from '@retain/demo-data';
import { ingest, Warehouse } from '@retain/warehouse';
import { query, tempDir } from '@retain/warehouse/testing';
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

  it('judges every candidate on rolling origins, pooled, and says which scorer is active and why', () => {
    // Two years at H = 90: origins T − H, T − 2H, T − 3H, each fitted only on the snapshots before it.
    expect(first.origins.map((o) => o.snapshot)).toEqual(['2025-10-02', '2025-07-04', '2025-04-05']);
    for (const origin of first.origins) {
      expect(origin.trainingSnapshots.every((s) => s < origin.snapshot)).toBe(true);
      expect(origin.rows).toBeGreaterThan(0);
    }
    expect(first.validation.rows).toBe(first.origins.reduce((sum, o) => sum + o.rows, 0));
    expect(first.candidates.map((c) => c.name).sort()).toEqual(
      ['bgnbd', 'gbt', 'network', 'recency', 'rfmLogistic', 'stack'].sort(),
    );
    const selected = first.candidates.find((c) => c.name === first.selected.name);
    expect(selected?.metrics).toEqual(first.validation);
    expect(first.selected.reason).toBe(first.selection.reason);
    expect(first.selected.reason).toMatch(/on 3 out-of-time snapshots/);
    for (const c of first.candidates) {
      expect(c.auc.lower).toBeLessThan(c.auc.value ?? 0);
      expect(c.auc.upper).toBeGreaterThan(c.auc.value ?? 1);
      // The rule: nobody is ahead of the active scorer by more than the standard error of the difference.
      if (c.versusSelected) expect(c.versusSelected.difference).toBeLessThanOrEqual(c.versusSelected.se);
    }
    expect(first.validation.calibrationError).toBeLessThan(0.05);
  });

  it('registers the version with the files its scorer needs, and it is the active one', async () => {
    const models = await listModels(demo.warehouse);
    expect(models[0]).toMatchObject({
      modelId: first.modelId,
      active: true,
      scoredAsOf: ['2025-12-31'],
      scorer: first.selected.name,
      validationAuc: first.validation.auc,
    });
    const folder = path.join(demo.dir, 'models', first.modelId);
    const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'churn.json'), 'utf8'));
    expect(manifest.scorer.name).toBe(first.selected.name);
    const inputs: string[] = manifest.scorer.inputs;
    expect(fs.readdirSync(folder).sort()).toEqual(
      [
        'churn.json',
        ...(inputs.includes('network') ? ['model.json', 'weights.bin'] : []),
        ...(inputs.includes('gbt') ? ['trees.json'] : []),
      ].sort(),
    );
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
    expect(Object.keys(first.curves).sort()).toEqual(
      ['bgnbd', 'gbt', 'model', 'network', 'recency', 'rfmLogistic', 'stack'].sort(),
    );
    const byName = Object.fromEntries(first.candidates.map((c) => [c.name, c.metrics]));
    const metrics = { model: first.validation, ...first.baselines, ...byName };
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
    // An even sample of the newest origin's customers (T − H).
    expect(importance?.rows).toBe(first.origins[0]?.rows);
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

/** One CSV line's cells (RFC 4180 quotes; the demo files hold no line breaks within cells). */
function splitCsv(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

const joinCsv = (cells: readonly string[]) =>
  cells.map((c) => (/[",]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',');

/**
 * A copy of demo CSVs with every row dated after `cutoff` altered (amounts, channels, severities,
 * resolutions, returned amounts), and new orders after it, of existing customers and of one new
 * customer.
 */
function alterAfter(from: string, to: string, cutoff: string): void {
  fs.mkdirSync(to, { recursive: true });
  const dateColumn: Record<string, string> = {
    'purchases.csv': 'order_date',
    'complaints.csv': 'opened_at',
    'returns.csv': 'returned_at',
  };
  // Customers are profiles, not events: copied as they are (their new orders come below).
  fs.copyFileSync(path.join(from, 'customers.csv'), path.join(to, 'customers.csv'));
  for (const file of ['purchases.csv', 'complaints.csv', 'returns.csv']) {
    const [header = '', ...lines] = fs.readFileSync(path.join(from, file), 'utf8').trim().split('\n');
    const columns = header.split(',');
    const at = (name: string) => columns.indexOf(name);
    const out = lines.map((line) => {
      const cells = splitCsv(line);
      const column = dateColumn[file];
      const after = column !== undefined && (cells[at(column)] ?? '') >= cutoff;
      if (file === 'purchases.csv' && after) {
        cells[at('amount')] = String(Number(cells[at('amount')]) * 9 + 1);
        cells[at('channel')] = 'marketplace';
      }
      if (file === 'complaints.csv') {
        if (after) cells[at('severity')] = '5';
        // A resolution after the cutoff is unknown at it: gone, the complaint is still open there.
        if ((cells[at('resolved_at')] ?? '') >= cutoff) cells[at('resolved_at')] = '';
      }
      if (file === 'returns.csv' && after) cells[at('amount')] = String(Number(cells[at('amount')]) * 3);
      return joinCsv(cells);
    });
    if (file === 'purchases.csv') {
      const first = splitCsv(lines[0] ?? '');
      for (let k = 0; k < 40; k++) {
        const cells = [...first];
        cells[at('order_id')] = `LATE${k}`;
        cells[at('customer_id')] =
          k === 0 ? 'C9999999' : (splitCsv(lines[k * 7] ?? '')[at('customer_id')] ?? '');
        cells[at('order_date')] = `${cutoff.slice(0, 10)} 0${k % 10}:00:00`.replace(/-\d\d /, '-28 ');
        out.push(joinCsv(cells));
      }
    }
    fs.writeFileSync(path.join(to, file), `${[header, ...out].join('\n')}\n`);
  }
}

describe('leak-freedom of the whole selection: nothing after T changes the version trained at T', () => {
  it('gives the same candidates, selection, scorer and scores when every row after T is altered', async () => {
    const { dir, cleanup } = tempDir('churn-leak-');
    try {
      const original = path.join(dir, 'original');
      await generateDemo({
        outDir: original,
        customers: 700,
        seed: 11,
        years: 2,
        end: '2025-12-31',
        posterior: false,
      });
      const altered = path.join(dir, 'altered');
      alterAfter(original, altered, '2025-10-01');
      const train = async (files: string, name: string) => {
        const warehouse = await Warehouse.open(path.join(dir, `${name}.duckdb`));
        try {
          await ingest(
            warehouse,
            (['customers', 'purchases', 'complaints', 'returns'] as const).map((section) => ({
              section,
              file: path.join(files, `${section}.csv`),
            })),
          );
          const result = await trainChurnModel(warehouse, { asOf: '2025-09-30', runner: 'inline', seed: 5 });
          const scores = await query(
            warehouse,
            `SELECT customer_id, churn_probability, value_at_risk, reasons, reason_impacts FROM scores
             WHERE model_id = '${result.modelId}' ORDER BY customer_id`,
          );
          const manifest = JSON.parse(
            fs.readFileSync(path.join(dir, 'models', result.modelId, 'churn.json'), 'utf8'),
          );
          const [after] = await query(
            warehouse,
            `SELECT count(*) AS orders, sum(amount) AS amount FROM purchases WHERE order_date >= TIMESTAMP '2025-10-01'`,
          );
          return { result, scores, scorer: manifest.scorer, after };
        } finally {
          warehouse.close();
        }
      };
      const a = await train(original, 'original');
      const b = await train(altered, 'altered');
      // The futures differ: 40 more orders after T, and every amount there changed.
      expect(Number(b.after?.orders)).toBe(Number(a.after?.orders) + 40);
      expect(Number(b.after?.amount)).toBeGreaterThan(5 * Number(a.after?.amount));
      const same = ({ result }: typeof a) => ({
        selection: result.selection,
        candidates: result.candidates,
        origins: result.origins,
        curves: result.curves,
        featureImportance: result.featureImportance,
        validation: result.validation,
        notes: result.notes,
      });
      expect(same(b)).toEqual(same(a));
      expect(b.scorer).toEqual(a.scorer);
      expect(b.scores.length).toBe(a.scores.length);
      expect(b.scores).toEqual(a.scores);
    } finally {
      cleanup();
    }
  }, 600_000);
});
