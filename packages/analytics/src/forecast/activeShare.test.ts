import { describe, expect, it } from 'vitest';
import { seededRandom } from '../testing/seededRandom.ts';
import { type ActivityCells, fitActivity } from './activeShare.ts';
import { sbgSurvival } from './shiftedBetaGeometric.ts';

/** Gamma(shape, 1) by Marsaglia–Tsang (with the boost for shape < 1); Beta from two gammas. */
function gamma(random: () => number, shape: number): number {
  if (shape < 1) return gamma(random, shape + 1) * random() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      const u1 = random();
      const u2 = random();
      x = Math.sqrt(-2 * Math.log(u1 || 1e-12)) * Math.cos(2 * Math.PI * u2);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (Math.log(u || 1e-12) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}
const beta = (random: () => number, a: number, b: number) => {
  const x = gamma(random, a);
  return x / (x + gamma(random, b));
};

/**
 * Customers of the beta-geometric/beta-Bernoulli process: p ~ Beta(a, b), θ ~ Beta(γ, δ); each
 * period after the first a customer still there leaves with probability θ, else buys with p.
 */
function simulateCohort(random: () => number, size: number, ages: number, params: number[]): number[] {
  const [a = 1, b = 1, g = 1, d = 1] = params;
  const active = new Array<number>(ages + 1).fill(0);
  active[0] = size;
  for (let i = 0; i < size; i++) {
    const p = beta(random, a, b);
    const theta = beta(random, g, d);
    for (let k = 1; k <= ages; k++) {
      if (random() < theta) break;
      if (random() < p) active[k] = (active[k] ?? 0) + 1;
    }
  }
  return active;
}

const PARAMS = [2, 6, 0.6, 4]; // m = 0.25; S(k) = Π (4 + i) / (4.6 + i)

function cohortsWith(
  sizes: number[],
  observedAges: number[],
  seed = 7,
): { cells: ActivityCells[]; truth: number[][] } {
  const random = seededRandom(seed);
  const cells: ActivityCells[] = [];
  const truth: number[][] = [];
  sizes.forEach((size, i) => {
    const all = simulateCohort(random, size, 24, PARAMS);
    const seen = observedAges[i] ?? 0;
    cells.push({
      active: all.slice(0, seen + 1),
      bases: all.slice(0, seen + 1).map(() => size),
      complete: all.slice(0, seen + 1).map(() => true),
      ownLevel: size >= 30,
    });
    truth.push(all.map((a) => a / size));
  });
  return { cells, truth };
}

describe('the in-the-period model (BG/BB purchase process, pooled shape, cohort levels)', () => {
  it('recovers the expected share of a simulated process at unseen ages', () => {
    // 12 monthly cohorts of 2,000, the oldest observed 12 periods, the newest 1.
    const sizes = Array.from({ length: 12 }, () => 2000);
    const ages = sizes.map((_, i) => 12 - i);
    const { cells } = cohortsWith(sizes, ages);
    const fit = fitActivity(cells);
    if (!fit) throw new Error('no fit');
    expect(fit.oldestAge).toBe(12);
    const s = sbgSurvival({ alpha: 0.6, beta: 4 }, 20);
    const expected = (k: number) => 0.25 * (s[k] ?? 0);
    for (const [cohort, k] of [
      [0, 16],
      [6, 10],
      [11, 6],
    ] as const) {
      const forecast = fit.forecasts[cohort]?.at(k);
      expect(Math.abs((forecast?.value ?? 0) - expected(k))).toBeLessThan(0.02);
      expect(forecast?.se).toBeGreaterThan(0);
    }
  });

  it('its 80 % intervals hold about 80 % of simulated futures', () => {
    let inside = 0;
    let total = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const sizes = Array.from({ length: 8 }, () => 600);
      const ages = sizes.map((_, i) => 8 - i);
      const { cells, truth } = cohortsWith(sizes, ages, seed);
      const fit = fitActivity(cells);
      if (!fit) throw new Error('no fit');
      truth.forEach((series, c) => {
        for (let k = (ages[c] ?? 0) + 1; k <= 12; k++) {
          const { value, se } = fit.forecasts[c]?.at(k) ?? { value: 0, se: 0 };
          total += 1;
          if (Math.abs((series[k] ?? 0) - value) <= 1.2816 * se) inside += 1;
        }
      });
    }
    expect(inside / total).toBeGreaterThan(0.65);
    expect(inside / total).toBeLessThan(0.92);
  });

  it('cohorts under the minimum size and cohorts with no complete period after the first take the pooled level', () => {
    const { cells } = cohortsWith([3000, 3000, 20, 3000], [10, 8, 6, 0]);
    const fit = fitActivity(cells);
    if (!fit) throw new Error('no fit');
    expect(fit.forecasts.map((f) => f.pooled)).toEqual([false, false, true, true]);
    // The pooled level is the cohorts' mean, with their spread in its uncertainty.
    const pooled = fit.forecasts[3]?.at(1);
    expect(pooled?.value).toBeCloseTo(
      fit.meanLevel * (sbgSurvival({ alpha: fit.shape.gamma, beta: fit.shape.delta }, 1)[1] ?? 0),
      10,
    );
    expect(pooled?.se ?? 0).toBeGreaterThan(fit.forecasts[0]?.at(1)?.se ?? 1);
  });

  it('levels are probabilities, and nothing is fitted without a complete period after the first', () => {
    const { cells } = cohortsWith([500, 500], [6, 3]);
    const fit = fitActivity(cells);
    expect(fit?.meanLevel).toBeLessThanOrEqual(1);
    for (let k = 1; k < 30; k++) expect(fit?.forecasts[0]?.at(k).value).toBeLessThanOrEqual(1);
    expect(fitActivity([{ active: [40], bases: [40], complete: [true], ownLevel: true }])).toBeNull();
    expect(
      fitActivity([{ active: [40, 9], bases: [40, 40], complete: [true, false], ownLevel: true }]),
    ).toBeNull();
  });
});
