import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random.ts';
import { fitLogistic, predictLogistic } from './logistic.ts';

describe('logistic regression by Newton steps', () => {
  it('recovers the coefficients that generated the data', () => {
    const random = new SeededRandom(3);
    const n = 20_000;
    const x = new Float64Array(n * 2);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i * 2] = random.normal();
      x[i * 2 + 1] = random.normal();
      const z = -0.5 + 1.5 * (x[i * 2] ?? 0) - 0.8 * (x[i * 2 + 1] ?? 0);
      y[i] = random.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    }
    const model = fitLogistic(x, y, 2);
    expect(model.coefficients[0]).toBeCloseTo(-0.5, 1);
    expect(model.coefficients[1]).toBeCloseTo(1.5, 1);
    expect(model.coefficients[2]).toBeCloseTo(-0.8, 1);
    const p = predictLogistic(model, x.subarray(0, 4), 2);
    expect(p).toHaveLength(2);
    for (const v of p) expect(v).toBeGreaterThan(0);
  });
});
