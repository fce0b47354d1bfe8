import { describe, expect, it } from 'vitest';
import { rocAuc } from '../metrics.ts';
import { SeededRandom } from '../random.ts';
import { delong, differenceSe } from './delong.ts';

/** The DeLong covariance straight from its definition: every (churner, stayer) pair, O(n²). */
function bruteForce(scores: number[][], labels: number[]) {
  const pos = labels.flatMap((y, i) => (y === 1 ? [i] : []));
  const neg = labels.flatMap((y, i) => (y === 0 ? [i] : []));
  const psi = (a: number, b: number) => (a > b ? 1 : a === b ? 0.5 : 0);
  const v10 = scores.map((s) =>
    pos.map((i) => neg.reduce((t, j) => t + psi(s[i] ?? 0, s[j] ?? 0), 0) / neg.length),
  );
  const v01 = scores.map((s) =>
    neg.map((j) => pos.reduce((t, i) => t + psi(s[i] ?? 0, s[j] ?? 0), 0) / pos.length),
  );
  const auc = v10.map((v) => v.reduce((a, b) => a + b, 0) / v.length);
  const cov = (x: number[], y: number[], mx: number, my: number) =>
    x.reduce((t, xi, k) => t + (xi - mx) * ((y[k] ?? 0) - my), 0) / (x.length - 1);
  const covariance = auc.map((ma, a) =>
    auc.map(
      (mb, b) =>
        cov(v10[a] ?? [], v10[b] ?? [], ma, mb) / pos.length +
        cov(v01[a] ?? [], v01[b] ?? [], ma, mb) / neg.length,
    ),
  );
  return { auc, covariance };
}

describe('DeLong standard errors of AUCs and their differences', () => {
  it('matches the pairwise definition, ties included', () => {
    const random = new SeededRandom(3);
    const labels = Array.from({ length: 120 }, () => (random.next() < 0.4 ? 1 : 0));
    // Rounded scores make ties; the second scorer is the first plus noise (correlated AUCs).
    const a = labels.map((y) => Math.round((y + random.normal()) * 4) / 4);
    const b = a.map((v) => Math.round((v + 0.7 * random.normal()) * 4) / 4);
    const c = labels.map(() => Math.round(random.normal() * 2) / 2);
    const fast = delong([a, b, c], labels);
    const slow = bruteForce([a, b, c], labels);
    expect(fast).not.toBeNull();
    fast?.auc.forEach((value, k) => {
      expect(value).toBeCloseTo(slow.auc[k] ?? 0, 12);
      expect(value).toBeCloseTo(rocAuc([a, b, c][k] ?? [], labels) ?? 0, 12);
    });
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++)
        expect(fast?.covariance[i]?.[j]).toBeCloseTo(slow.covariance[i]?.[j] ?? 0, 12);
  });

  it('gives a paired difference a smaller error than either AUC when the scorers rank alike', () => {
    const random = new SeededRandom(9);
    const labels = Array.from({ length: 2_000 }, () => (random.next() < 0.5 ? 1 : 0));
    const a = labels.map((y) => y + random.normal());
    const b = a.map((v) => v + 0.1 * random.normal());
    const result = delong([a, b], labels);
    if (!result) throw new Error('both classes are present');
    const se = (k: number) => Math.sqrt(result.covariance[k]?.[k] ?? 0);
    expect(se(0)).toBeGreaterThan(0.005);
    expect(differenceSe(result, 0, 1)).toBeLessThan(se(0) / 4);
    expect(differenceSe(result, 0, 1)).toBeCloseTo(differenceSe(result, 1, 0), 15);
    expect(differenceSe(result, 0, 0)).toBe(0);
  });

  it('widens the errors for rows that come in clusters (one customer at several snapshots)', () => {
    const random = new SeededRandom(5);
    const labels = Array.from({ length: 1_500 }, () => (random.next() < 0.4 ? 1 : 0));
    const a = labels.map((y) => y + random.normal());
    const b = labels.map((y) => 0.8 * y + random.normal());
    const once = delong([a, b], labels);
    const singletons = delong(
      [a, b],
      labels,
      labels.map((_, i) => i),
    );
    // Every row twice, as one customer judged at two snapshots alike: no new information.
    const twice = delong(
      [
        [...a, ...a],
        [...b, ...b],
      ],
      [...labels, ...labels],
    );
    const clustered = delong(
      [
        [...a, ...a],
        [...b, ...b],
      ],
      [...labels, ...labels],
      [...labels.map((_, i) => i), ...labels.map((_, i) => i)],
    );
    if (!once || !singletons || !twice || !clustered) throw new Error('both classes are present');
    for (const [x, y] of [
      [0, 0],
      [0, 1],
      [1, 1],
    ] as const) {
      expect(singletons.covariance[x]?.[y]).toBeCloseTo(once.covariance[x]?.[y] ?? 0, 6);
      expect(clustered.covariance[x]?.[y] ?? 0).toBeCloseTo(once.covariance[x]?.[y] ?? 0, 6);
    }
    // Unclustered, the copies would halve the variance as if they were new customers.
    expect((twice.covariance[0]?.[0] ?? 0) / (once.covariance[0]?.[0] ?? 1)).toBeCloseTo(0.5, 1);
  });

  it('is undefined without both classes', () => {
    expect(delong([[0.1, 0.2]], [1, 1])).toBeNull();
  });
});
