import { describe, expect, it } from 'vitest';
import { cumulativeWeights, Random } from './random.ts';

function mean(draw: () => number, count = 200_000): number {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += draw();
  return sum / count;
}

describe('Random', () => {
  it('repeats a stream for the same seed and stream, and differs across streams and seeds', () => {
    const take = (random: Random) => Array.from({ length: 5 }, () => random.nextUint32());
    expect(take(new Random(42, 7))).toEqual(take(new Random(42, 7)));
    expect(take(new Random(42, 7))).not.toEqual(take(new Random(42, 8)));
    expect(take(new Random(42, 7))).not.toEqual(take(new Random(43, 7)));
    // Seeds beyond 32 bits must not collapse onto their low bits.
    expect(take(new Random(2 ** 32 + 5, 1))).not.toEqual(take(new Random(5, 1)));
    const reused = new Random(1, 1);
    reused.nextUint32();
    reused.reseed(42, 7);
    expect(take(reused)).toEqual(take(new Random(42, 7)));
  });

  it('draws uniforms strictly inside (0, 1) and the documented distributions', () => {
    const random = new Random(3, 0);
    for (let i = 0; i < 10_000; i++) {
      const u = random.uniform();
      expect(u > 0 && u < 1).toBe(true);
    }
    expect(mean(() => random.uniform())).toBeCloseTo(0.5, 2);
    expect(mean(() => random.exponential())).toBeCloseTo(1, 1);
    expect(mean(() => random.normal())).toBeCloseTo(0, 1);
    expect(mean(() => random.normal() ** 2)).toBeCloseTo(1, 1);
    expect(mean(() => random.gamma(0.7))).toBeCloseTo(0.7, 1);
    expect(mean(() => random.gamma(3.5))).toBeCloseTo(3.5, 1);
    expect(mean(() => random.poisson(1.15))).toBeCloseTo(1.15, 1);
    expect(random.poisson(0)).toBe(0);
  });

  it('picks indices in proportion to their weights', () => {
    const random = new Random(5, 0);
    const table = cumulativeWeights([1, 0, 3]);
    const counts = [0, 0, 0];
    for (let i = 0; i < 40_000; i++) {
      const index = random.pickCumulative(table);
      counts[index] = (counts[index] ?? 0) + 1;
    }
    expect(counts[1]).toBe(0);
    expect((counts[2] ?? 0) / 40_000).toBeCloseTo(0.75, 1);
  });
});
