import { describe, expect, it } from 'vitest';
import { maxOf, niceTicks, numberAt } from './chartData.ts';

describe('chart data helpers', () => {
  it('picks round ticks from zero past the maximum', () => {
    expect(niceTicks(0.34)).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    expect(niceTicks(0.45)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(niceTicks(1234)).toEqual([0, 250, 500, 750, 1000, 1250]);
    expect(niceTicks(1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0)).toEqual([0, 0.25, 0.5, 0.75, 1]);
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
