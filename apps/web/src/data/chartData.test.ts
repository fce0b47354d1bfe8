import { describe, expect, it } from 'vitest';
import { evenTicks, maxOf, niceTicks, numberAt } from './chartData.ts';

describe('chart data helpers', () => {
  it('picks round ticks from zero past the maximum', () => {
    expect(niceTicks(0.34)).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    expect(niceTicks(0.45)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(niceTicks(1234)).toEqual([0, 250, 500, 750, 1000, 1250]);
    expect(niceTicks(1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it('spaces axis ticks evenly on round steps, as many as fit', () => {
    const months = [1, 2, 3, 6, 12];
    expect(evenTicks(1, 36, 12, months)).toEqual([3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36]);
    expect(evenTicks(1, 36, 6, months)).toEqual([6, 12, 18, 24, 30, 36]);
    expect(evenTicks(1, 8, 20, months)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(evenTicks(1, 150, 4, [1, 2, 4, 13, 26, 52])).toEqual([52, 104]);
    // Past the largest step, it doubles: 400 weeks in three ticks.
    expect(evenTicks(1, 400, 3, [1, 2, 4, 13, 26, 52])).toEqual([104, 208, 312]);
    for (const ticks of [evenTicks(1, 52, 7, [1, 2, 4, 13, 26, 52]), evenTicks(0, 99, 8, [1, 7, 14, 28])]) {
      const gaps = new Set(ticks.slice(1).map((t, i) => t - (ticks[i] ?? 0)));
      expect(gaps.size).toBe(1);
    }
    expect(evenTicks(5, 2, 4, [1])).toEqual([]);
  });

  it('reads numbers out of chart rows', () => {
    const rows = [
      { a: 1, b: 'x' },
      { a: null, b: 3 },
    ];
    expect(maxOf(rows, ['a', 'b'])).toBe(3);
    expect(numberAt({ a: 'x' }, 'a')).toBeNull();
  });
});
