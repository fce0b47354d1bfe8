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

/** The network and what it is occluded with: each reason group's input columns and their baseline values. */
export interface Occluder {
  tf: Tf;
  weights: MlpWeights;
  calibration: Calibration;
  groups: ReadonlyMap<ReasonGroup, readonly number[]>;
  /** Input values a group's columns are set to: the population's mean (see columnMeans). */
  baseline: Float32Array;
}

export interface OcclusionOptions {
  /** Smallest rise in log-odds that counts as a reason (default MIN_IMPACT). */
  minImpact?: number;
  onProgress?: (done: number, total: number) => void;
}

const ROWS_PER_PASS = 4096;

/** A rise in log-odds below this is no reason (about 2.5 points of probability at p = 0.5). */
export const MIN_IMPACT = 0.1;

/**
 * Occlusion against the population baseline: for each reason group, the churn log-odds with the
 * group's inputs set to the population's mean are subtracted from the actual log-odds. What remains
 * is how much the customer's own values in that group raise (or lower) their risk; only rises are
 * reasons to call. Log-odds rather than probability, because near p = 1 several groups can each
 * explain the risk on their own and no single one then moves the probability visibly.
 */
export function occlusionAttributions(
  occluder: Occluder,
  data: Matrix,
  options: OcclusionOptions = {},
): Attributions {
  const minImpact = options.minImpact ?? MIN_IMPACT;
  const n = data.rows;
  const probability = new Float64Array(n);
  const codes = new Int8Array(n * MAX_REASONS).fill(-1);
  const impacts = new Float32Array(n * MAX_REASONS);
  occlusionPasses(
    occluder,
    data,
    (row, logit, rise, groupList) => {
      probability[row] = calibrate(occluder.calibration, logit);
      const offset = row * MAX_REASONS;
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
        codes[offset + k] = REASON_GROUPS.indexOf(groupList[bestG] as ReasonGroup);
        impacts[offset + k] = bestRise;
        rise[bestG] = Number.NEGATIVE_INFINITY;
      }
    },
    options.onProgress,
  );
  return { probability, codes, impacts };
}

/** One reason group's global importance over a set of customers (see groupImportance). */
export interface GroupImportanceValue {
  group: ReasonGroup;
  /** Mean |rise in log-odds| over the rows. */
  importance: number;
  /** Share of the rows whose log-odds the group raises by at least the reasons' threshold. */
  raisesRiskShare: number;
}

/**
 * Global importance of each reason group: the mean absolute occlusion attribution over the rows,
 * the same per-customer quantity the reasons rank, so the two read alike. Most important first;
 * groups with no input columns are left out.
 */
export function groupImportance(
  occluder: Occluder,
  data: Matrix,
  minImpact = MIN_IMPACT,
): GroupImportanceValue[] {
  const present = presentGroups(occluder.groups);
  const absolute = new Float64Array(present.length);
  const raising = new Float64Array(present.length);
  occlusionPasses(occluder, data, (_row, _logit, rise) => {
    for (let g = 0; g < present.length; g++) {
      const r = rise[g] ?? 0;
      absolute[g] = (absolute[g] ?? 0) + Math.abs(r);
      if (r >= minImpact) raising[g] = (raising[g] ?? 0) + 1;
    }
  });
  const n = Math.max(1, data.rows);
  return present
    .map((group, g) => ({
      group,
      importance: (absolute[g] ?? 0) / n,
      raisesRiskShare: (raising[g] ?? 0) / n,
    }))
    .sort(
      (a, b) =>
        b.importance - a.importance || REASON_GROUPS.indexOf(a.group) - REASON_GROUPS.indexOf(b.group),
    );
}

function presentGroups(groups: ReadonlyMap<ReasonGroup, readonly number[]>): ReasonGroup[] {
  return REASON_GROUPS.filter((g) => (groups.get(g)?.length ?? 0) > 0);
}

/**
 * The occlusion pass both uses share: per row, the calibrated rise in log-odds each present group
 * causes (`rise[g]` for `groupList[g]`; the visitor may overwrite it). All variants of a batch go
 * through the network in one pass.
 */
function occlusionPasses(
  { tf, weights, calibration, groups, baseline }: Occluder,
  data: Matrix,
  visit: (row: number, logit: number, rise: Float64Array, groupList: readonly ReasonGroup[]) => void,
  onProgress?: (done: number, total: number) => void,
): void {
  const groupList = presentGroups(groups);
  const variants = groupList.length + 1;
  const d = data.cols;
  const n = data.rows;
  const tensors = weights.layers.map((layer) => ({
    kernel: tf.tensor2d(layer.kernel, [layer.inputs, layer.units]),
    bias: tf.tensor1d(layer.bias),
  }));
  const block = new Float32Array(variants * Math.min(ROWS_PER_PASS, n) * d);
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
        // The calibration is a positive affine map of the logit: its slope scales every rise alike.
        for (let g = 0; g < groupList.length; g++)
          rise[g] = calibration.a * (logit - (z[(g + 1) * size + i] ?? 0));
        visit(start + i, logit, rise, groupList);
      }
      onProgress?.(start + size, n);
    }
  } finally {
    for (const t of tensors) {
      t.kernel.dispose();
      t.bias.dispose();
    }
  }
}

/** Column means of the rows: the "average customer" the occlusion compares with. */
export function columnMeans(data: Matrix): Float32Array {
  const means = new Float64Array(data.cols);
  for (let i = 0; i < data.rows; i++) {
    for (let j = 0; j < data.cols; j++) means[j] = (means[j] ?? 0) + (data.x[i * data.cols + j] ?? 0);
  }
  return Float32Array.from(means, (sum) => (data.rows > 0 ? sum / data.rows : 0));
}
