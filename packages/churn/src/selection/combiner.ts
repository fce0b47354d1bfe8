import { fitLogistic } from '../baselines/logistic.ts';

/** log-odds = intercept + Σ weights[k] · input[k]: a logistic regression on the inputs' outputs. */
export interface Combiner {
  intercept: number;
  weights: number[];
}

/** A little ridge keeps correlated inputs (BG/NBD's two outputs, recency) from large opposite weights. */
const RIDGE = 1e-4;

/** Number of customer folds the combiner is cross-fitted over (see FeatureTable.fold). */
export const FOLDS = 5;

/** The combiner fitted on `rows` (all rows when omitted). Null when they hold only one class. */
export function fitCombiner(
  inputs: readonly Float64Array[],
  labels: ArrayLike<number>,
  rows?: ArrayLike<number>,
): Combiner | null {
  const n = rows ? rows.length : labels.length;
  const d = inputs.length;
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  let positives = 0;
  for (let k = 0; k < n; k++) {
    const i = rows ? (rows[k] ?? 0) : k;
    for (let j = 0; j < d; j++) x[k * d + j] = inputs[j]?.[i] ?? 0;
    y[k] = labels[i] ?? 0;
    positives += y[k] ?? 0;
  }
  if (positives === 0 || positives === n) return null;
  const { coefficients } = fitLogistic(x, y, d, { l2: RIDGE });
  return { intercept: coefficients[0] ?? 0, weights: coefficients.slice(1) };
}

export function combinedLogit(combiner: Combiner, inputs: readonly Float64Array[], i: number): number {
  let z = combiner.intercept;
  for (let j = 0; j < inputs.length; j++) z += (combiner.weights[j] ?? 0) * (inputs[j]?.[i] ?? 0);
  return z;
}

/**
 * Probabilities from combiners cross-fitted over customer folds: each row's comes from a combiner
 * fitted on the other folds only, so no customer's label shapes their own figure. A fold whose
 * complement lacks a class is scored by the combiner of all rows (tiny data only); `inSample`
 * counts such rows. `all` is the combiner of all rows: what ships.
 */
export function crossFitted(
  inputs: readonly Float64Array[],
  labels: ArrayLike<number>,
  folds: ArrayLike<number>,
): { probability: Float64Array; inSample: number; all: Combiner | null } {
  const n = labels.length;
  const probability = new Float64Array(n);
  const all = fitCombiner(inputs, labels);
  let inSample = 0;
  for (let f = 0; f < FOLDS; f++) {
    const rest: number[] = [];
    const own: number[] = [];
    for (let i = 0; i < n; i++) ((folds[i] ?? 0) % FOLDS === f ? own : rest).push(i);
    if (own.length === 0) continue;
    // From scratch: even a starting point fitted on this fold's rows would carry their labels in.
    let combiner = fitCombiner(inputs, labels, rest);
    if (!combiner) {
      combiner = all;
      inSample += own.length;
    }
    for (const i of own) {
      probability[i] = combiner ? 1 / (1 + Math.exp(-combinedLogit(combiner, inputs, i))) : 0.5;
    }
  }
  return { probability, inSample, all };
}
