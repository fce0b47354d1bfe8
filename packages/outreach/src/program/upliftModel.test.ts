import { describe, expect, it } from 'vitest';
import { fitLogistic, fitUpliftModel, predictUplift, qini, type UpliftRow } from './upliftModel.ts';

/** A small deterministic generator (mulberry32), so the tests need no seed library. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Eight features as the model reads them; the call works only on feature 6 (a recent slow
 * complaint): +30 points there, nothing elsewhere. Feature 0 (churn probability) lowers retention.
 */
function rows(n: number, seed: number): UpliftRow[] {
  const next = random(seed);
  return Array.from({ length: n }, () => {
    const x = [next(), next(), next(), next(), next(), next() < 0.3 ? 1 : 0, next() < 0.25 ? 1 : 0, 0];
    const treated = next() < 0.7;
    const base = 0.4 - 0.3 * (x[0] ?? 0);
    const p = base + (treated && x[6] === 1 ? 0.3 : 0);
    return { x, treated, retained: next() < p };
  });
}

describe('fitLogistic', () => {
  it('recovers the weights that generated the data', () => {
    const next = random(1);
    const xs: number[][] = [];
    const ys: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const x = [next() * 2 - 1, next() * 2 - 1];
      const p = 1 / (1 + Math.exp(-(0.5 + 2 * (x[0] ?? 0) - 1 * (x[1] ?? 0))));
      xs.push(x);
      ys.push(next() < p ? 1 : 0);
    }
    const w = fitLogistic(xs, ys, 0);
    expect(w[0]).toBeCloseTo(0.5, 1);
    expect(w[1]).toBeCloseTo(2, 1);
    expect(w[2]).toBeCloseTo(-1, 1);
  });
});

describe('the T-learner and its Qini curve', () => {
  const train = rows(8_000, 2);
  const test = rows(4_000, 3);
  const model = fitUpliftModel(train);

  it('finds the customers a call helps', () => {
    const helped = predictUplift(model, [0.5, 0.5, 0.5, 0.5, 0.5, 0, 1, 0]);
    const others = predictUplift(model, [0.5, 0.5, 0.5, 0.5, 0.5, 0, 0, 0]);
    expect(helped).toBeGreaterThan(0.2);
    expect(others).toBeLessThan(0.05);
  });

  it('ranks better than churn probability on held-out rows, and better than random targeting', () => {
    const byModel = qini(
      test,
      test.map((r) => predictUplift(model, r.x)),
    );
    const byProbability = qini(
      test,
      test.map((r) => r.x[0] ?? 0),
    );
    expect(byModel.coefficient).toBeGreaterThan(byProbability.coefficient);
    expect(byModel.coefficient).toBeGreaterThan(0.005); // random targeting scores 0
    // The top decile of the model's ranking is all helped customers: about +30 points.
    expect(byModel.topDeciles[0]?.uplift).toBeGreaterThan(0.2);
    expect(byModel.points[0]).toEqual({ share: 0, gain: 0 });
    expect(byModel.points.at(-1)?.share).toBe(1);
  });
});
