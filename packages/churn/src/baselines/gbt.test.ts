import { describe, expect, it } from 'vitest';
import { rocAuc } from '../metrics.ts';
import { SeededRandom } from '../random.ts';
import { fitGbt, predictGbt } from './gbt.ts';

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
