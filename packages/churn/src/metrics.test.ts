import { describe, expect, it } from 'vitest';
import {
  averagePrecision,
  brierScore,
  calibrationTable,
  evaluate,
  liftAt,
  logLoss,
  rocAuc,
  thresholdCurves,
} from './metrics.ts';
import { SeededRandom } from './random.ts';

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

describe('ROC and precision–recall curves', () => {
  it('has a vertex per distinct threshold, from (0, 0) to (1, 1)', () => {
    const { roc, pr } = thresholdCurves(p, y);
    expect(roc).toEqual([
      { fpr: 0, tpr: 0, threshold: null },
      { fpr: 0, tpr: 0.5, threshold: 0.8 },
      { fpr: 0.5, tpr: 0.5, threshold: 0.4 },
      { fpr: 0.5, tpr: 1, threshold: 0.35 },
      { fpr: 1, tpr: 1, threshold: 0.1 },
    ]);
    expect(pr).toEqual([
      { recall: 0.5, precision: 1, threshold: 0.8 },
      { recall: 0.5, precision: 0.5, threshold: 0.4 },
      { recall: 1, precision: 0.66667, threshold: 0.35 },
      { recall: 1, precision: 0.5, threshold: 0.1 },
    ]);
    expect(trapezoid(roc)).toBeCloseTo(0.75, 12);
  });

  it('takes tied scores in one diagonal step, as the AUC counts them', () => {
    const { roc, pr } = thresholdCurves([0.2, 0.9, 0.9], [0, 1, 0]);
    expect(roc).toEqual([
      { fpr: 0, tpr: 0, threshold: null },
      { fpr: 0.5, tpr: 1, threshold: 0.9 },
      { fpr: 1, tpr: 1, threshold: 0.2 },
    ]);
    expect(trapezoid(roc)).toBeCloseTo(0.75, 12);
    expect(pr).toEqual([
      { recall: 1, precision: 0.5, threshold: 0.9 },
      { recall: 1, precision: 0.33333, threshold: 0.2 },
    ]);
    expect(thresholdCurves([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0])).toEqual({
      roc: [
        { fpr: 0, tpr: 0, threshold: null },
        { fpr: 1, tpr: 1, threshold: 0.5 },
      ],
      pr: [{ recall: 1, precision: 0.5, threshold: 0.5 }],
    });
  });

  it('is empty where a class is missing: no ROC without both, no PR without churners', () => {
    expect(thresholdCurves([0.3, 0.6], [1, 1])).toEqual({
      roc: [],
      pr: [
        { recall: 0.5, precision: 1, threshold: 0.6 },
        { recall: 1, precision: 1, threshold: 0.3 },
      ],
    });
    expect(thresholdCurves([0.3, 0.6], [0, 0])).toEqual({ roc: [], pr: [] });
    expect(thresholdCurves([], [])).toEqual({ roc: [], pr: [] });
  });

  it('keeps at most 100 points, the ends included, and the area and average precision it had', () => {
    const random = new SeededRandom(9);
    const n = 20_000;
    const scores = new Float64Array(n);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = random.next() < 0.3 ? 1 : 0;
      // Rounded to three decimals, so that many scores tie.
      scores[i] = Math.round(1000 / (1 + Math.exp(-(labels[i] ? 0.8 : 0) - random.normal()))) / 1000;
    }
    const auc = rocAuc(scores, labels) ?? 0;
    const full = thresholdCurves(scores, labels, Number.POSITIVE_INFINITY);
    expect(full.roc.length).toBeGreaterThan(500);
    expect(trapezoid(full.roc)).toBeCloseTo(auc, 4);
    let ap = 0;
    let previous = 0;
    for (const point of full.pr) {
      ap += (point.recall - previous) * point.precision;
      previous = point.recall;
    }
    expect(ap).toBeCloseTo(averagePrecision(scores, labels) ?? 0, 4);

    const { roc, pr } = thresholdCurves(scores, labels);
    expect(roc.length).toBeLessThanOrEqual(100);
    expect(roc.length).toBeGreaterThan(90);
    expect(pr.length).toBe(roc.length - 1);
    expect(roc[0]).toEqual({ fpr: 0, tpr: 0, threshold: null });
    expect(roc.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
    expect(pr.at(-1)?.recall).toBe(1);
    for (let k = 1; k < roc.length; k++) {
      const [a, b] = [roc[k - 1], roc[k]];
      expect(b?.fpr).toBeGreaterThanOrEqual(a?.fpr ?? 0);
      expect(b?.tpr).toBeGreaterThanOrEqual(a?.tpr ?? 0);
      if (k > 1) expect(b?.threshold).toBeLessThan(a?.threshold ?? 0);
    }
    expect(Math.abs(trapezoid(roc) - auc)).toBeLessThan(0.002);
  });
});

/** Area under a piecewise-linear ROC curve. */
function trapezoid(roc: { fpr: number; tpr: number }[]): number {
  let area = 0;
  for (let k = 1; k < roc.length; k++) {
    const [a, b] = [roc[k - 1], roc[k]];
    area += ((b?.fpr ?? 0) - (a?.fpr ?? 0)) * (((a?.tpr ?? 0) + (b?.tpr ?? 0)) / 2);
  }
  return area;
}
