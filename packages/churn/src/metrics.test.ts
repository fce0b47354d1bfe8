import { describe, expect, it } from 'vitest';
import {
  averagePrecision,
  brierScore,
  calibrationTable,
  evaluate,
  liftAt,
  logLoss,
  rocAuc,
} from './metrics.ts';

// The classic example: scikit-learn gives ROC AUC 0.75 and average precision 0.8333… for it.
const p = [0.1, 0.4, 0.35, 0.8];
const y = [0, 0, 1, 1];

describe('metrics against hand-computed values', () => {
  it('ROC AUC: the share of (churner, stayer) pairs ranked right, ties counting half', () => {
    expect(rocAuc(p, y)).toBeCloseTo(0.75, 12);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0])).toBeCloseTo(0.5, 12);
    expect(rocAuc([0.2, 0.9, 0.9], [0, 1, 0])).toBeCloseTo(0.75, 12);
    expect(rocAuc([0.3, 0.6], [1, 1])).toBeNull();
  });

  it('PR AUC as average precision, tied scores entering together', () => {
    // Thresholds 0.8 (P 1, R 0.5), 0.4 (P 0.5, R 0.5), 0.35 (P 2/3, R 1): 0.5·1 + 0.5·2/3.
    expect(averagePrecision(p, y)).toBeCloseTo(0.5 + 0.5 * (2 / 3), 12);
    expect(averagePrecision([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0])).toBeCloseTo(0.5, 12);
    expect(averagePrecision([0.1], [0])).toBeNull();
  });

  it('Brier score and log loss', () => {
    expect(brierScore(p, y)).toBeCloseTo((0.01 + 0.16 + 0.4225 + 0.04) / 4, 12);
    const expected = -(Math.log(0.9) + Math.log(0.6) + Math.log(0.35) + Math.log(0.8)) / 4;
    expect(logLoss(p, y)).toBeCloseTo(expected, 12);
    expect(Number.isFinite(logLoss([0, 1], [1, 0]))).toBe(true);
  });

  it('calibration: ten equal-width bins and the expected calibration error', () => {
    const { table, error } = calibrationTable(p, y);
    expect(table).toHaveLength(10);
    expect(table[1]).toEqual({ from: 0.1, to: 0.2, count: 1, meanPredicted: 0.1, observedRate: 0 });
    expect(table[3]).toMatchObject({ count: 1, meanPredicted: 0.35, observedRate: 1 });
    expect(table[8]).toMatchObject({ count: 1, meanPredicted: 0.8, observedRate: 1 });
    expect(table[0]).toMatchObject({ count: 0, meanPredicted: null, observedRate: null });
    expect(error).toBeCloseTo((0.1 + 0.4 + 0.65 + 0.2) / 4, 12);
    // p = 1 falls in the last bin.
    expect(calibrationTable([1], [1]).table[9]?.count).toBe(1);
  });

  it('lift and capture at the top share, ties at the cut broken by row order', () => {
    expect(liftAt(p, y, 0.2)).toEqual({ top: 0.2, lift: 2, capture: 0.5 });
    expect(liftAt(p, y, 0.5)).toEqual({ top: 0.5, lift: 1, capture: 0.5 });
    expect(liftAt([0.9, 0.9, 0.1], [0, 1, 0], 0.2)).toEqual({ top: 0.2, lift: 0, capture: 0 });
    expect(liftAt([0.9, 0.9, 0.1], [1, 0, 0], 0.2).lift).toBeCloseTo(3, 12);
  });

  it('evaluate() gathers them all', () => {
    const m = evaluate(p, y);
    expect(m).toMatchObject({
      rows: 4,
      churnRate: 0.5,
      liftTop5: 2,
      liftTop10: 2,
      liftTop20: 2,
      captureTop10: 0.5,
    });
    expect(m.auc).toBeCloseTo(0.75, 12);
    expect(m.lift.map((l) => l.top)).toEqual([0.05, 0.1, 0.2]);
  });
});
