import { describe, expect, it } from 'vitest';
import { loadBackend } from '../backend.ts';
import type { ReasonGroup } from '../features/featureSpec.ts';
import { type MlpWeights, trainMlp } from '../model/mlp.ts';
import { SeededRandom } from '../random.ts';
import { compileScorer } from '../scorers/compileScorer.ts';
import { columnMeans, groupImportance, occlusionAttributions } from './occlusion.ts';

// A linear "network" (one layer, logit = w·x) with calibration slope 2: each group's rise in log-odds
// is 2 · Σ w_j (x_j − mean_j), which can be worked out by hand.
const linear: MlpWeights = {
  layers: [{ inputs: 3, units: 1, kernel: Float32Array.from([1, 0.5, -0.5]), bias: Float32Array.from([0]) }],
};
const calibration = { method: 'platt' as const, a: 2, b: 0 };
const normalisation = (cols: number) => ({
  seasonal: false,
  columns: Array.from({ length: cols }, (_, j) => ({ name: `x${j}`, group: null, mean: 0, std: 1 })),
  categorical: [],
});
/** The network alone as the scorer, its log-odds a · logit + b. */
async function networkScorer(weights: MlpWeights, a: number) {
  const { tf } = await loadBackend();
  const cols = weights.layers[0]?.inputs ?? 0;
  return compileScorer(
    {
      name: 'network',
      inputs: ['network'],
      intercept: 0,
      weights: [1],
      network: { calibration: { ...calibration, a } },
    },
    { normalisation: normalisation(cols), tf, network: weights },
  );
}
const data = { x: Float32Array.from([2, 1, 1, 0, 3, -1, -2, -1, 0]), rows: 3, cols: 3 };
const groups = new Map<ReasonGroup, number[]>([
  ['recency', [0]],
  ['spend', [1, 2]],
]);

describe('occlusion against the population average', () => {
  it('ranks the groups that raise each customer’s risk (hand-computed)', async () => {
    const baseline = columnMeans(data);
    expect(Array.from(baseline)).toEqual([0, 1, 0]);
    // Rises: recency 4, 0, −4; spend −1, 3, −2.
    const { codes, impacts } = occlusionAttributions(
      { scorer: await networkScorer(linear, 2), groups, baseline },
      data,
    );
    expect(Array.from(codes)).toEqual([0, -1, -1, 4, -1, -1, -1, -1, -1]);
    expect(Array.from(impacts)).toEqual([4, 0, 0, 3, 0, 0, 0, 0, 0]);
  });

  it('global importance: the mean absolute rise per group, most important first', async () => {
    const importance = groupImportance(
      { scorer: await networkScorer(linear, 2), groups, baseline: columnMeans(data) },
      data,
    );
    expect(importance.map((g) => g.group)).toEqual(['recency', 'spend']);
    expect(importance[0]?.importance).toBeCloseTo(8 / 3, 6);
    expect(importance[0]?.raisesRiskShare).toBeCloseTo(1 / 3, 12);
    expect(importance[1]?.importance).toBeCloseTo(2, 6);
    expect(importance[1]?.raisesRiskShare).toBeCloseTo(1 / 3, 12);
  });

  it('puts first the group that drives the label in a trained network', async () => {
    const { tf } = await loadBackend();
    const random = new SeededRandom(4);
    const n = 3_000;
    const d = 6;
    const x = new Float32Array(n * d);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) x[i * d + j] = random.normal();
      // Complaints (column 0) drive churn; recency (column 1) a little; the rest not at all.
      y[i] = 2 * (x[i * d] ?? 0) + 0.5 * (x[i * d + 1] ?? 0) + 0.5 * random.normal() > 0 ? 1 : 0;
    }
    const train = { x, rows: n, cols: d };
    const fit = await trainMlp(tf, train, y, null, {
      hidden: [8],
      maxEpochs: 8,
      patience: 8,
      batchSize: 128,
      learningRate: 0.02,
      l2: 0,
      seed: 1,
      classWeights: { positive: 1, negative: 1 },
    });
    const byGroup = new Map<ReasonGroup, number[]>([
      ['recency', [1, 2]],
      ['spend', [3]],
      ['complaints', [0]],
      ['region', [4, 5]],
    ]);
    const importance = groupImportance(
      { scorer: await networkScorer(fit.weights, 1), groups: byGroup, baseline: columnMeans(train) },
      train,
    );
    expect(importance.map((g) => g.group)).toEqual([
      'complaints',
      'recency',
      expect.any(String),
      expect.any(String),
    ]);
    const [first, second, ...rest] = importance;
    expect(first?.importance).toBeGreaterThan(2.5 * (second?.importance ?? 0));
    for (const g of rest) expect(g.importance).toBeLessThan(0.5 * (second?.importance ?? 0));
    // Complaints raise the risk of the customers above the average, about half of them.
    expect(first?.raisesRiskShare).toBeGreaterThan(0.3);
    expect(first?.raisesRiskShare).toBeLessThan(0.7);
  });
});
