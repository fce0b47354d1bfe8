import { REASON_GROUPS, type ReasonGroup } from '../features/featureSpec.ts';
import type { Matrix } from '../model/mlp.ts';
import type { CompiledScorer } from '../scorers/compileScorer.ts';

export const MAX_REASONS = 3;

export interface Attributions {
  probability: Float64Array;
  /** Per row, MAX_REASONS indices into REASON_GROUPS (−1: none), strongest first. */
  codes: Int8Array;
  /** The matching rise in the log-odds of churn (the probability's logit). */
  impacts: Float32Array;
}

/** The scorer and what it is occluded with: each reason group's input columns and their baseline values. */
export interface Occluder {
  /** Whatever scores customers: the stack, the network, the trees or a baseline. */
  scorer: CompiledScorer;
  groups: ReadonlyMap<ReasonGroup, readonly number[]>;
  /** Input values a group's columns are set to: the population's mean (see columnMeans). */
  baseline: Float32Array;
}

export interface OcclusionOptions {
  /** Smallest rise in log-odds that counts as a reason (default MIN_IMPACT). */
  minImpact?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Rows scored per pass: every variant of them is held at once. */
const ROWS_PER_PASS = 16_384;

/** A rise in log-odds below this is no reason (about 2.5 points of probability at p = 0.5). */
export const MIN_IMPACT = 0.1;

/**
 * Occlusion against the population baseline: for each reason group, the churn log-odds with the
 * group's inputs set to the population's mean are subtracted from the actual log-odds. What remains
 * is how much the customer's own values in that group raise (or lower) their risk; only rises are
 * reasons to call. Log-odds rather than probability, because near p = 1 several groups can each
 * explain the risk on their own and no single one then moves the probability visibly. The scorer's
 * log-odds are its final ones, so for the stack a group's rise is the sum of what it moves in each
 * part, weighted as the stack weighs them.
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
      probability[row] = 1 / (1 + Math.exp(-logit));
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
 * The occlusion pass both uses share: per row, the rise in log-odds each present group causes
 * (`rise[g]` for `groupList[g]`; the visitor may overwrite it).
 */
function occlusionPasses(
  { scorer, groups, baseline }: Occluder,
  data: Matrix,
  visit: (row: number, logit: number, rise: Float64Array, groupList: readonly ReasonGroup[]) => void,
  onProgress?: (done: number, total: number) => void,
): void {
  const groupList = presentGroups(groups);
  const occlusion = { groups: groupList.map((g) => groups.get(g) ?? []), baseline };
  const d = data.cols;
  const n = data.rows;
  const rise = new Float64Array(groupList.length);
  for (let start = 0; start < n; start += ROWS_PER_PASS) {
    const size = Math.min(ROWS_PER_PASS, n - start);
    const z = scorer.logits(data.x.subarray(start * d, (start + size) * d), size, occlusion);
    for (let i = 0; i < size; i++) {
      const logit = z[i] ?? 0;
      for (let g = 0; g < groupList.length; g++) rise[g] = logit - (z[(g + 1) * size + i] ?? 0);
      visit(start + i, logit, rise, groupList);
    }
    onProgress?.(start + size, n);
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
