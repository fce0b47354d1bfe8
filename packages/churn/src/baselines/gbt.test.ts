import { describe, expect, it } from 'vitest';
import { rocAuc } from '../metrics.ts';
import { SeededRandom } from '../random.ts';
import { fitGbt, gbtFromJson, gbtToJson, gbtVariantLogits, predictGbt } from './gbt.ts';

function dataset(n: number, seed: number) {
  const random = new SeededRandom(seed);
  const x = new Float64Array(n * 3);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 3; j++) x[i * 3 + j] = random.normal();
    // An interaction no linear model can rank: the sign of x0·x1.
    const z = 2.5 * Math.sign((x[i * 3] ?? 0) * (x[i * 3 + 1] ?? 0));
    y[i] = random.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  return { x, y };
}

describe('histogram gradient-boosted trees', () => {
  it('learns an interaction, stops early on the hold-out set and predicts probabilities', () => {
    const train = dataset(6_000, 1);
    const holdout = dataset(2_000, 2);
    let trees = 0;
    const model = fitGbt(train, 3, holdout, { maxTrees: 300, onTree: (t) => (trees = t) });
    expect(trees, 'stopped before the cap').toBeLessThan(300);
    expect(model.trees.length).toBeLessThanOrEqual(trees);
    const test = dataset(3_000, 3);
    const p = predictGbt(model, test.x, 3);
    expect(rocAuc(p, test.y)).toBeGreaterThan(0.8);
    for (const v of p) {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThan(1);
    }
  });
});

describe('boosted trees under occlusion', () => {
  it('gives every occluded variant exactly the log-odds of scoring the occluded rows afresh', () => {
    const d = 6;
    const random = new SeededRandom(8);
    const make = (n: number) => {
      const x = new Float64Array(n * d);
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < d; j++) x[i * d + j] = random.normal();
        const z = (x[i * d] ?? 0) * (x[i * d + 1] ?? 0) + (x[i * d + 2] ?? 0) - (x[i * d + 4] ?? 0);
        y[i] = random.next() < 1 / (1 + Math.exp(-2 * z)) ? 1 : 0;
      }
      return { x, y };
    };
    const model = fitGbt(make(3_000), d, make(800), { seed: 2 });
    const rows = make(500).x;
    const groups = [[0, 1], [2], [3, 5], [4]];
    const baseline = Float64Array.from([0.3, -0.2, 0.1, 0, -0.5, 0.4]);
    const variants = gbtVariantLogits(model, rows, 500, d, groups, baseline);
    const logit = (p: number) => Math.log(p / (1 - p));
    const plain = predictGbt(model, rows, d);
    groups.forEach((columns, g) => {
      const occluded = Float64Array.from(rows);
      for (let i = 0; i < 500; i++) for (const j of columns) occluded[i * d + j] = baseline[j] ?? 0;
      const fresh = predictGbt(model, occluded, d);
      for (let i = 0; i < 500; i++) expect(variants[(g + 1) * 500 + i]).toBeCloseTo(logit(fresh[i] ?? 0), 9);
    });
    for (let i = 0; i < 500; i++) expect(variants[i]).toBeCloseTo(logit(plain[i] ?? 0), 9);
    // Through JSON (trees.json) and back, the same trees.
    const again = gbtVariantLogits(
      gbtFromJson(JSON.parse(JSON.stringify(gbtToJson(model)))),
      rows,
      500,
      d,
      groups,
      baseline,
    );
    expect(Array.from(again)).toEqual(Array.from(variants));
  });
});
