import type { Curves, Metrics, PrPoint, RocPoint } from '@retain/schemas';

export type { Curves, Metrics, PrPoint, RocPoint };

/**
 * Evaluation of churn probabilities against realised labels (1 = churned). Every metric is computed on
 * the same rows for the model and for each baseline, so the figures compare like with like.
 */

export type CalibrationBin = Metrics['calibration'][number];
export type LiftPoint = Metrics['lift'][number];

const EPS = 1e-15;

/** ROC AUC by the Mann–Whitney statistic with average ranks for ties. */
export function rocAuc(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  order: ArrayLike<number> = ascendingOrder(scores),
): number | null {
  const n = scores.length;
  let positives = 0;
  let rankSumPositives = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    const value = scores[order[i] ?? 0] ?? 0;
    while (j + 1 < n && (scores[order[j + 1] ?? 0] ?? 0) === value) j++;
    const averageRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if ((labels[order[k] ?? 0] ?? 0) === 1) {
        positives++;
        rankSumPositives += averageRank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  return (rankSumPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Average precision: Σ over distinct thresholds, highest first, of (recall gained) × (precision at that
 * threshold); tied scores enter together, as scikit-learn's average_precision_score does.
 */
export function averagePrecision(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  order: ArrayLike<number> = ascendingOrder(scores),
): number | null {
  const n = scores.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += (labels[i] ?? 0) === 1 ? 1 : 0;
  if (positives === 0) return null;
  let truePositives = 0;
  let previousRecall = 0;
  let ap = 0;
  // Walk from the highest score down.
  let i = n - 1;
  let taken = 0;
  while (i >= 0) {
    const value = scores[order[i] ?? 0] ?? 0;
    while (i >= 0 && (scores[order[i] ?? 0] ?? 0) === value) {
      truePositives += (labels[order[i] ?? 0] ?? 0) === 1 ? 1 : 0;
      taken++;
      i--;
    }
    const recall = truePositives / positives;
    ap += (recall - previousRecall) * (truePositives / taken);
    previousRecall = recall;
  }
  return ap;
}

export function brierScore(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const d = (probabilities[i] ?? 0) - (labels[i] ?? 0);
    sum += d * d;
  }
  return probabilities.length === 0 ? 0 : sum / probabilities.length;
}

export function logLoss(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const p = Math.min(1 - EPS, Math.max(EPS, probabilities[i] ?? 0));
    sum -= (labels[i] ?? 0) === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return probabilities.length === 0 ? 0 : sum / probabilities.length;
}

/** Ten equal-width bins of predicted probability: [0, 0.1), …, [0.9, 1]. */
export function calibrationTable(probabilities: ArrayLike<number>, labels: ArrayLike<number>, bins = 10) {
  const count = new Float64Array(bins);
  const predicted = new Float64Array(bins);
  const observed = new Float64Array(bins);
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i] ?? 0;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p * bins)));
    count[b] = (count[b] ?? 0) + 1;
    predicted[b] = (predicted[b] ?? 0) + p;
    observed[b] = (observed[b] ?? 0) + (labels[i] ?? 0);
  }
  const table: CalibrationBin[] = [];
  let error = 0;
  for (let b = 0; b < bins; b++) {
    const n = count[b] ?? 0;
    const meanPredicted = n > 0 ? (predicted[b] ?? 0) / n : null;
    const observedRate = n > 0 ? (observed[b] ?? 0) / n : null;
    if (meanPredicted !== null && observedRate !== null) {
      error += (n / probabilities.length) * Math.abs(meanPredicted - observedRate);
    }
    table.push({ from: b / bins, to: (b + 1) / bins, count: n, meanPredicted, observedRate });
  }
  return { table, error };
}

/**
 * Lift and capture when contacting the top share of customers by score. The cut is ceil(share · n)
 * rows; ties at the cut are broken by row order, so the figure is deterministic.
 */
export function liftAt(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  share: number,
  order: ArrayLike<number> = ascendingOrder(scores),
): LiftPoint {
  const n = scores.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i] ?? 0;
  if (n === 0 || positives === 0) return { top: share, lift: null, capture: null };
  const take = Math.max(1, Math.ceil(share * n));
  let found = 0;
  // Highest scores first; among equal scores the earlier row wins.
  let k = 0;
  let end = n;
  while (k < take) {
    let start = end - 1;
    const value = scores[order[start] ?? 0] ?? 0;
    while (start > 0 && (scores[order[start - 1] ?? 0] ?? 0) === value) start--;
    for (let t = start; t < end && k < take; t++, k++) found += labels[order[t] ?? 0] ?? 0;
    end = start;
  }
  return { top: share, lift: found / take / (positives / n), capture: found / positives };
}

/** Points a stored curve keeps at most: enough to draw it, small enough to store with every version. */
export const CURVE_POINTS = 100;

/**
 * ROC and precision–recall curves, one vertex per distinct score from the highest down (tied scores
 * enter together, so a tie is one diagonal step, as the ROC AUC counts it). The ROC curve starts at
 * (0, 0) and ends at (1, 1); the PR curve has no invented point at recall 0: it starts at the highest
 * threshold and ends at recall 1 with precision = the churn rate. Both are thinned to at most
 * `maxPoints` vertices, spread evenly along the ROC curve's length (fpr + tpr), always keeping the
 * ends. ROC needs both classes and PR needs churners: without them the curve is empty.
 */
export function thresholdCurves(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  maxPoints = CURVE_POINTS,
  order: ArrayLike<number> = ascendingOrder(scores),
): Curves {
  const n = scores.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += (labels[i] ?? 0) === 1 ? 1 : 0;
  const negatives = n - positives;
  if (n === 0 || positives === 0) return { roc: [], pr: [] };
  // Vertices by distinct threshold, highest score first: true and false positives flagged at it.
  const tp: number[] = [0];
  const fp: number[] = [0];
  const thresholds: number[] = [Number.NaN];
  let i = n - 1;
  while (i >= 0) {
    const value = scores[order[i] ?? 0] ?? 0;
    let t = tp[tp.length - 1] ?? 0;
    let f = fp[fp.length - 1] ?? 0;
    while (i >= 0 && (scores[order[i] ?? 0] ?? 0) === value) {
      if ((labels[order[i] ?? 0] ?? 0) === 1) t++;
      else f++;
      i--;
    }
    tp.push(t);
    fp.push(f);
    thresholds.push(value);
  }
  const kept = thinVertices(
    tp.map((t, k) => t / positives + (negatives > 0 ? (fp[k] ?? 0) / negatives : 0)),
    Math.max(2, maxPoints),
  );
  const roc: RocPoint[] =
    negatives === 0
      ? []
      : kept.map((k) => ({
          fpr: rate((fp[k] ?? 0) / negatives),
          tpr: rate((tp[k] ?? 0) / positives),
          threshold: k === 0 ? null : threshold(thresholds[k] ?? 0),
        }));
  const pr: PrPoint[] = kept
    .filter((k) => k > 0)
    .map((k) => ({
      recall: rate((tp[k] ?? 0) / positives),
      precision: rate((tp[k] ?? 0) / ((tp[k] ?? 0) + (fp[k] ?? 0))),
      threshold: threshold(thresholds[k] ?? 0),
    }));
  return { roc, pr };
}

/**
 * Indices of the vertices to keep: the first and the last, and in between the first vertex past each
 * of maxPoints − 2 even steps of `progress` (non-decreasing from 0 to its last value).
 */
function thinVertices(progress: readonly number[], maxPoints: number): number[] {
  const last = progress.length - 1;
  if (progress.length <= maxPoints) return progress.map((_, k) => k);
  const total = progress[last] ?? 0;
  const step = total / (maxPoints - 1);
  const kept = [0];
  let next = step;
  for (let k = 1; k < last; k++) {
    const p = progress[k] ?? 0;
    if (p >= next && p < total) {
      kept.push(k);
      next = (Math.floor(p / step) + 1) * step;
    }
  }
  kept.push(last);
  return kept;
}

/** Rates to five decimals and thresholds to six significant digits: ample for a chart, a third of the JSON. */
const rate = (v: number) => Math.round(v * 1e5) / 1e5;
const threshold = (v: number) => Number(v.toPrecision(6));

/** Row indices sorted by ascending score; equal scores keep their row order. */
export function ascendingOrder(scores: ArrayLike<number>): Uint32Array {
  const n = scores.length;
  // A typed copy keeps the comparator monomorphic: much faster on hundreds of thousands of rows.
  const values = Float64Array.from({ length: n }, (_, i) => scores[i] ?? 0);
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  return order.sort((a, b) => (values[a] as number) - (values[b] as number) || a - b);
}

/** Every metric for one set of probabilities (`order`: their ascendingOrder, when already sorted). */
export function evaluate(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  order: ArrayLike<number> = ascendingOrder(probabilities),
): Metrics {
  const n = probabilities.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i] ?? 0;
  const { table, error } = calibrationTable(probabilities, labels);
  const lift = [0.05, 0.1, 0.2].map((share) => liftAt(probabilities, labels, share, order));
  return {
    rows: n,
    churnRate: n === 0 ? 0 : positives / n,
    auc: rocAuc(probabilities, labels, order),
    prAuc: averagePrecision(probabilities, labels, order),
    brier: brierScore(probabilities, labels),
    logLoss: logLoss(probabilities, labels),
    calibrationError: error,
    calibration: table,
    lift,
    liftTop5: lift[0]?.lift ?? null,
    liftTop10: lift[1]?.lift ?? null,
    liftTop20: lift[2]?.lift ?? null,
    captureTop5: lift[0]?.capture ?? null,
    captureTop10: lift[1]?.capture ?? null,
    captureTop20: lift[2]?.capture ?? null,
  };
}
