import { fitLogistic, sigmoid } from '../baselines/logistic.ts';

/**
 * Maps the network's logit z to a probability σ(a·z + b). Class weights make the raw logits
 * over-predict the up-weighted class, so they are never reported as they are.
 */
export interface Calibration {
  /** 'platt': fitted on the held-out slice; 'prior-shift': the analytic correction for the class weights. */
  method: 'platt' | 'prior-shift';
  a: number;
  b: number;
}

export function calibrate(calibration: Calibration, logit: number): number {
  return sigmoid(calibration.a * logit + calibration.b);
}

/** Training with weights w₁, w₀ multiplies the odds by w₁/w₀; dividing them out restores the base rate. */
export function priorShift(classWeights: { positive: number; negative: number }): Calibration {
  return { method: 'prior-shift', a: 1, b: -Math.log(classWeights.positive / classWeights.negative) };
}

/** Platt scaling: a one-feature logistic regression of the labels on the logits. */
export function fitPlatt(logits: ArrayLike<number>, labels: ArrayLike<number>): Calibration {
  const model = fitLogistic(logits, labels, 1, { l2: 1e-6 });
  return { method: 'platt', a: model.coefficients[1] ?? 1, b: model.coefficients[0] ?? 0 };
}
