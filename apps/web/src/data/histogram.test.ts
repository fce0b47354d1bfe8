import { describe, expect, it } from 'vitest';
import { binLabel, histogramRows, medianBin } from './histogram.ts';

const histogram = {
  count: 10,
  median: 42,
  bins: [
    { from: 0, to: 0, count: 1 },
    { from: 1, to: 30, count: 4 },
    { from: 31, to: 60, count: 3 },
    { from: 61, to: null, count: 2 },
  ],
};

describe('histogram rows', () => {
  it('labels bins and gives each its share', () => {
    expect(histogramRows(histogram).map((r) => [r.label, r.share])).toEqual([
      ['0', 0.1],
      ['1–30', 0.4],
      ['31–60', 0.3],
      ['61+', 0.2],
    ]);
    expect(binLabel({ from: 7, to: 7 })).toBe('7');
  });

  it('finds the bin holding the median', () => {
    expect(medianBin(histogram)).toBe('31–60');
    expect(medianBin({ ...histogram, median: 400 })).toBe('61+');
    expect(medianBin({ ...histogram, median: null })).toBeNull();
  });
});
