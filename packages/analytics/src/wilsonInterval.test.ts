import { describe, expect, it } from 'vitest';
import { wilsonInterval } from './wilsonInterval.ts';

describe('wilsonInterval', () => {
  it('matches the textbook 95 % interval', () => {
    // Wilson (1927) with z = 1.96: 2 of 5 → 0.1176 – 0.7693; 0 of 10 → 0 – z² / (10 + z²) = 0.2775.
    const twoOfFive = wilsonInterval(2, 5);
    expect(twoOfFive?.low).toBeCloseTo(0.117621, 5);
    expect(twoOfFive?.high).toBeCloseTo(0.769279, 5);
    expect(wilsonInterval(0, 10)?.low).toBe(0);
    expect(wilsonInterval(0, 10)?.high).toBeCloseTo(0.27754, 5);
    expect(wilsonInterval(10, 10)?.low).toBeCloseTo(1 - 0.27754, 5);
  });

  it('narrows with the sample and stays inside [0, 1]', () => {
    const small = wilsonInterval(30, 100);
    const large = wilsonInterval(3000, 10000);
    if (!small || !large) throw new Error('no interval');
    expect(large.high - large.low).toBeLessThan(small.high - small.low);
    expect(small.low).toBeLessThan(0.3);
    expect(small.high).toBeGreaterThan(0.3);
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});
