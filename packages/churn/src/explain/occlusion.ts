import type { Tensor2D } from '@tensorflow/tfjs';
import type { Tf } from '../backend.ts';
import { REASON_GROUPS, type ReasonGroup } from '../features/featureSpec.ts';
import type { Matrix, MlpWeights } from '../model/mlp.ts';
import { type Calibration, calibrate } from '../model/platt.ts';

export const MAX_REASONS = 3;

export interface Attributions {
  probability: Float64Array;
  /** Per row, MAX_REASONS indices into REASON_GROUPS (−1: none), strongest first. */
  codes: Int8Array;
  /** The matching rise in the log-odds of churn (the probability's logit). */
  impacts: Float32Array;
}

export interface OcclusionOptions {
  /** Smallest rise in log-odds that counts as a reason (default 0.1, about 2.5 points at p = 0.5). */
  minImpact?: number;
  onProgress?: (done: number, total: number) => void;
}

const ROWS_PER_PASS = 4096;

/**
 * Occlusion against the population baseline: for each reason group, the churn log-odds with the
 * group's inputs set to the population's mean are subtracted from the actual log-odds. What remains
 * is how much the customer's own values in that group raise (or lower) their risk; only rises are
 * reasons to call. Log-odds rather than probability, because near p = 1 several groups can each
 * explain the risk on their own and no single one then moves the probability visibly. All variants
 * of a batch go through the network in one pass.
 */
export function occlusionAttributions(
  tf: Tf,
  weights: MlpWeights,
  calibration: Calibration,
  data: Matrix,
  groups: ReadonlyMap<ReasonGroup, readonly number[]>,
  baseline: Float32Array,
  options: OcclusionOptions = {},
): Attributions {
  const minImpact = options.minImpact ?? 0.1;
  const groupList = REASON_GROUPS.filter((g) => (groups.get(g)?.length ?? 0) > 0);
  const variants = groupList.length + 1;
  const d = data.cols;
  const n = data.rows;
  const probability = new Float64Array(n);
  const codes = new Int8Array(n * MAX_REASONS).fill(-1);
  const impacts = new Float32Array(n * MAX_REASONS);
  const tensors = weights.layers.map((layer) => ({
    kernel: tf.tensor2d(layer.kernel, [layer.inputs, layer.units]),
    bias: tf.tensor1d(layer.bias),
  }));
  const block = new Float32Array(variants * ROWS_PER_PASS * d);
  const rise = new Float64Array(groupList.length);
  try {
    for (let start = 0; start < n; start += ROWS_PER_PASS) {
      const size = Math.min(ROWS_PER_PASS, n - start);
      const original = data.x.subarray(start * d, (start + size) * d);
      for (let v = 0; v < variants; v++) block.set(original, v * size * d);
      groupList.forEach((group, g) => {
        const offset = (g + 1) * size * d;
        const columns = groups.get(group) ?? [];
        for (let i = 0; i < size; i++) {
          for (const j of columns) block[offset + i * d + j] = baseline[j] ?? 0;
        }
      });
      const logits = tf.tidy(() => {
        let h: Tensor2D = tf.tensor2d(block.subarray(0, variants * size * d), [variants * size, d]);
        tensors.forEach((layer, l) => {
          const z = tf.add(tf.matMul(h, layer.kernel), layer.bias) as Tensor2D;
          h = l + 1 < tensors.length ? tf.relu(z) : z;
        });
        return h;
      });
      const z = logits.dataSync();
      logits.dispose();
      for (let i = 0; i < size; i++) {
        const logit = z[i] ?? 0;
        probability[start + i] = calibrate(calibration, logit);
        // The calibration is a positive affine map of the logit: its slope scales every rise alike.
        for (let g = 0; g < groupList.length; g++)
          rise[g] = calibration.a * (logit - (z[(g + 1) * size + i] ?? 0));
        const row = (start + i) * MAX_REASONS;
        for (let k = 0; k < MAX_REASONS; k++) {
          let bestG = -1;
          let bestRise = minImpact;
          for (let g = 0; g < groupList.length; g++) {
            if ((rise[g] ?? 0) >= bestRise) {
              bestRise = rise[g] ?? 0;
              bestG = g;
            }
          }
          if (bestG < 0) break;
          codes[row + k] = REASON_GROUPS.indexOf(groupList[bestG] as ReasonGroup);
          impacts[row + k] = bestRise;
          rise[bestG] = Number.NEGATIVE_INFINITY;
        }
      }
      options.onProgress?.(start + size, n);
    }
  } finally {
    for (const t of tensors) {
      t.kernel.dispose();
      t.bias.dispose();
    }
  }
  return { probability, codes, impacts };
}

/** Column means of the rows: the "average customer" the occlusion compares with. */
export function columnMeans(data: Matrix): Float32Array {
  const means = new Float64Array(data.cols);
  for (let i = 0; i < data.rows; i++) {
    for (let j = 0; j < data.cols; j++) means[j] = (means[j] ?? 0) + (data.x[i * data.cols + j] ?? 0);
  }
  return Float32Array.from(means, (sum) => (data.rows > 0 ? sum / data.rows : 0));
}
