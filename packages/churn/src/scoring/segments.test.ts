import { describe, expect, it } from 'vitest';
import { quintileScores, rfmScores, SEGMENTS, segmentOf } from './segments.ts';
import { expectedRevenue12m } from './valueAtRisk.ts';

describe('RFM segments', () => {
  it('scores quintiles with ties sharing a score', () => {
    expect(Array.from(quintileScores([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], true))).toEqual([
      1, 1, 2, 2, 3, 3, 4, 4, 5, 5,
    ]);
    // Half the customers have one order: they all score 1; the next value starts at the median.
    expect(Array.from(quintileScores([1, 1, 1, 1, 1, 2, 2, 3, 4, 9], true))).toEqual([
      1, 1, 1, 1, 1, 3, 3, 4, 5, 5,
    ]);
    // Recency: fewer days is better.
    expect(Array.from(quintileScores([5, 400, 30], false))).toEqual([4, 1, 2]);
  });

  it('names every cell of the recency × frequency grid', () => {
    expect(segmentOf(5, 5)).toBe('Champions');
    expect(segmentOf(5, 1)).toBe('New');
    expect(segmentOf(4, 1)).toBe('Promising');
    expect(segmentOf(3, 4)).toBe('Loyal');
    expect(segmentOf(3, 3)).toBe('Need attention');
    expect(segmentOf(3, 1)).toBe('About to sleep');
    expect(segmentOf(1, 5)).toBe("Can't lose them");
    expect(segmentOf(2, 3)).toBe('At risk');
    expect(segmentOf(2, 1)).toBe('Hibernating');
    expect(segmentOf(1, 2)).toBe('Lost');
    for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) expect(SEGMENTS).toContain(segmentOf(r, f));
  });

  it('gives each customer a segment and an RFM code', () => {
    const scores = rfmScores([3, 200, 40, 90, 120], [12, 1, 3, 2, 2], [900, 20, 150, 80, 60]);
    expect(SEGMENTS[scores.segment[0] ?? 0]).toBe('Champions');
    expect(SEGMENTS[scores.segment[1] ?? 0]).toBe('Lost');
    expect(`${scores.r[0]}${scores.f[0]}${scores.m[0]}`).toBe('555');
  });
});

describe('expected 12-month revenue', () => {
  it('is the last 365 days of spend, annualised for customers younger than a year (at least 90 days)', () => {
    expect(expectedRevenue12m(1200, 800)).toBe(1200);
    expect(expectedRevenue12m(100, 182.5)).toBeCloseTo(200, 10);
    expect(expectedRevenue12m(50, 10)).toBeCloseTo(50 * (365 / 90), 10);
  });
});
