import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../backend.ts';
import { bgnbdNoPurchaseProbability } from '../baselines/bgnbd.ts';
import { predictLogistic } from '../baselines/logistic.ts';
import { dayNumber } from '../dates.ts';
import { columnMeans, groupImportance } from '../explain/occlusion.ts';
import { allRows, columnsByGroup, encode, fitNormalisation, type Normalisation } from '../features/encode.ts';
import { FeatureExtractor } from '../features/extractFeatures.ts';
import { REASON_GROUPS } from '../features/featureSpec.ts';
import type { FeatureTable } from '../features/featureTable.ts';
import { trainMlp } from '../model/mlp.ts';
import { openHistory } from '../testing/fixtures.ts';
import { plantedHistory } from '../testing/plantedHistory.ts';
import { DEFAULT_HYPERPARAMETERS, fitParts, RFM_COLUMNS } from '../training/fitParts.ts';
import { bgnbdHistory, bgnbdVariants, fitBgnbdOn } from './bgnbdComponent.ts';
import { compileScorer } from './compileScorer.ts';
import type { ScorerSpec } from './scorerSpec.ts';

let table: FeatureTable;
let normalisation: Normalisation;
let x: Float32Array;
let groups: number[][];
let baseline: Float32Array;

beforeAll(async () => {
  const history = plantedHistory({ customers: 400, end: '2025-06-30', days: 500, seed: 4, complaints: true });
  const opened = await openHistory(history);
  try {
    const day = dayNumber('2025-03-31');
    const extractor = await FeatureExtractor.open(opened.warehouse, dayNumber('2025-06-30'));
    table = await extractor.extract([{ day, rate: 1 }], { labels: true, horizonDays: 90, seed: 1 });
    extractor.close();
  } finally {
    opened.close();
  }
  normalisation = fitNormalisation(table, allRows(table.rows), false);
  x = encode(table, normalisation);
  const byGroup = columnsByGroup(normalisation);
  groups = REASON_GROUPS.filter((g) => byGroup.has(g)).map((g) => byGroup.get(g) ?? []);
  baseline = columnMeans({ x, rows: table.rows, cols: normalisation.columns.length });
}, 60_000);
afterAll(() => {});

const columnOf = (name: string) => normalisation.columns.findIndex((c) => c.name === name);
const raw = (name: string, v: number) => {
  const c = normalisation.columns[columnOf(name)];
  return Math.expm1(v * (c?.std ?? 1) + (c?.mean ?? 0));
};

describe('scorers that read the network inputs', () => {
  it('BG/NBD from the standardised inputs equals its formula on each history, and under occlusion on the average one', () => {
    const params = fitBgnbdOn(table, allRows(table.rows), 1);
    const n = table.rows;
    const { none } = bgnbdVariants(params, 90 / 7, normalisation, x, n, groups, baseline);
    const logit = (p: number) => Math.log(p / (1 - p));
    for (let i = 0; i < n; i++) {
      const h = bgnbdHistory(
        table.raw.frequency[i] ?? 0,
        table.raw.recency_days[i] ?? 0,
        table.raw.tenure_days[i] ?? 0,
      );
      const p = Math.min(
        1 - 1e-6,
        Math.max(1e-6, bgnbdNoPurchaseProbability(params, h.x, h.tx, h.T, 90 / 7)),
      );
      expect(none[i], `row ${i}: ${JSON.stringify(h)}`).toBeCloseTo(logit(p), 4);
    }
    groups.forEach((columns, g) => {
      // The occluded group's inputs at the average customer's values, the rest the customer's own.
      const at = (name: 'frequency' | 'recency_days' | 'tenure_days', i: number) =>
        columns.includes(columnOf(name))
          ? raw(name, baseline[columnOf(name)] ?? 0)
          : (table.raw[name][i] ?? 0);
      for (let i = 0; i < n; i += 7) {
        const h = bgnbdHistory(at('frequency', i), at('recency_days', i), at('tenure_days', i));
        const p = Math.min(
          1 - 1e-6,
          Math.max(1e-6, bgnbdNoPurchaseProbability(params, h.x, h.tx, h.T, 90 / 7)),
        );
        expect(none[(g + 1) * n + i]).toBeCloseTo(logit(p), 4);
      }
    });
  });

  it('the logistic baselines on the standardised inputs equal their regression on ln(1 + value)', async () => {
    const { tf } = await loadBackend();
    const rows = allRows(table.rows);
    const fitted = await fitParts(
      {
        tf,
        table,
        seed: 1,
        seasonal: false,
        hyperparameters: DEFAULT_HYPERPARAMETERS,
        notes: [],
        onEpoch: () => {},
      },
      rows,
      'final-fit',
      new Set(['rfmLogistic', 'recency']),
    );
    const rfm = fitted.rfmLogistic;
    if (!rfm) throw new Error('fitted');
    const spec: ScorerSpec = {
      name: 'rfmLogistic',
      inputs: ['rfmLogistic'],
      intercept: 0,
      weights: [1],
      rfmLogistic: rfm,
    };
    const z = compileScorer(spec, { normalisation: fitted.normalisation }).logits(
      encode(table, fitted.normalisation),
      table.rows,
    );
    const logs = new Float64Array(table.rows * 4);
    for (let i = 0; i < table.rows; i++)
      RFM_COLUMNS.forEach((c, j) => {
        logs[i * 4 + j] = Math.log1p(Math.max(0, table.raw[c][i] ?? 0));
      });
    const p = predictLogistic({ coefficients: rfm.coefficients }, logs, 4);
    for (let i = 0; i < table.rows; i++) expect(1 / (1 + Math.exp(-(z[i] ?? 0)))).toBeCloseTo(p[i] ?? 0, 5);
  });

  it('the stack’s log-odds are its intercept plus its weighted parts, and so is each group’s rise', async () => {
    const { tf } = await loadBackend();
    const d = normalisation.columns.length;
    const labels = Float32Array.from(table.label ?? []);
    const network = await trainMlp(tf, { x, rows: table.rows, cols: d }, labels, null, {
      hidden: [4],
      maxEpochs: 3,
      patience: 3,
      batchSize: 64,
      learningRate: 0.01,
      l2: 0,
      seed: 3,
      classWeights: { positive: 1, negative: 1 },
    });
    const bgnbd = fitBgnbdOn(table, allRows(table.rows), 1);
    const parts = { normalisation, tf, network: network.weights, bgnbd };
    const single = (input: 'network' | 'bgnbd' | 'bgnbdExpected'): ScorerSpec => ({
      name: 'stack',
      inputs: [input],
      intercept: 0,
      weights: [1],
      network: { calibration: { method: 'platt', a: 0.8, b: -0.1 } },
      bgnbd: { horizonWeeks: 90 / 7, sample: 0, seed: 1 },
    });
    const stack: ScorerSpec = {
      ...single('network'),
      inputs: ['network', 'bgnbd', 'bgnbdExpected'],
      intercept: 0.25,
      weights: [0.7, 0.4, -0.3],
    };
    const n = table.rows;
    const occlusion = { groups, baseline };
    const z = compileScorer(stack, parts).logits(x, n, occlusion);
    const partsZ = (['network', 'bgnbd', 'bgnbdExpected'] as const).map((input) =>
      compileScorer(single(input), parts).logits(x, n, occlusion),
    );
    for (let k = 0; k < z.length; k++) {
      const expected =
        0.25 + 0.7 * (partsZ[0]?.[k] ?? 0) + 0.4 * (partsZ[1]?.[k] ?? 0) - 0.3 * (partsZ[2]?.[k] ?? 0);
      expect(z[k]).toBeCloseTo(expected, 9);
    }
    // Importance reads the same log-odds: the stack's is the weighted parts' rises, averaged.
    const byGroup = columnsByGroup(normalisation);
    const importance = groupImportance(
      { scorer: compileScorer(stack, parts), groups: byGroup, baseline },
      { x, rows: n, cols: d },
    );
    const present = REASON_GROUPS.filter((g) => byGroup.has(g));
    for (const { group, importance: value } of importance) {
      const g = present.indexOf(group);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += Math.abs((z[i] ?? 0) - (z[(g + 1) * n + i] ?? 0));
      expect(value).toBeCloseTo(sum / n, 9);
    }
  });
});
