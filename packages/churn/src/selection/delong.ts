import { ascendingOrder } from '../metrics.ts';

/**
 * DeLong, DeLong & Clarke-Pearson (1988): the ROC AUCs of several scorers on the same rows with the
 * covariance matrix of their estimates, from each row's placement among the other class (computed
 * with one sort per scorer, as Sun & Xu 2014 do). The variance of a difference of two AUCs follows:
 * var(A − B) = var A + var B − 2 cov(A, B), which is small when two scorers rank alike. Rows that
 * belong together (one customer judged at several snapshots) are not independent: with `clusters`
 * the placements are summed per cluster first (Obuchowski 1997), which widens the errors as much as
 * a customer's rows move together.
 */
export interface DeLong {
  auc: number[];
  /** covariance[a][b] of the AUC estimates. */
  covariance: number[][];
}

/** Labels 1 = churned (the positive class); null when either class is missing. */
export function delong(
  scores: readonly ArrayLike<number>[],
  labels: ArrayLike<number>,
  clusters?: ArrayLike<number>,
  /** Each scorer's ascendingOrder, when already sorted. */
  orders?: readonly ArrayLike<number>[],
): DeLong | null {
  const n = labels.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += (labels[i] ?? 0) === 1 ? 1 : 0;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  const m = scores.length;
  // Placements: for a churner, the share of stayers it outranks (ties half); for a stayer, the share
  // of churners that outrank it.
  const positivePlacement = scores.map(() => new Float64Array(positives));
  const negativePlacement = scores.map(() => new Float64Array(negatives));
  const positiveIndex = new Int32Array(n);
  const negativeIndex = new Int32Array(n);
  for (let i = 0, p = 0, q = 0; i < n; i++) {
    if ((labels[i] ?? 0) === 1) positiveIndex[i] = p++;
    else negativeIndex[i] = q++;
  }
  const auc = new Array<number>(m).fill(0);
  scores.forEach((score, s) => {
    const order = orders?.[s] ?? ascendingOrder(score);
    let negativesBelow = 0;
    let positivesBelow = 0;
    let sum = 0;
    let i = 0;
    while (i < n) {
      let j = i;
      const value = score[order[i] ?? 0] ?? 0;
      while (j + 1 < n && (score[order[j + 1] ?? 0] ?? 0) === value) j++;
      let tiedPositives = 0;
      let tiedNegatives = 0;
      for (let k = i; k <= j; k++) {
        if ((labels[order[k] ?? 0] ?? 0) === 1) tiedPositives++;
        else tiedNegatives++;
      }
      const positiveValue = (negativesBelow + tiedNegatives / 2) / negatives;
      const negativeValue = 1 - (positivesBelow + tiedPositives / 2) / positives;
      for (let k = i; k <= j; k++) {
        const row = order[k] ?? 0;
        if ((labels[row] ?? 0) === 1) {
          (positivePlacement[s] as Float64Array)[positiveIndex[row] ?? 0] = positiveValue;
          sum += positiveValue;
        } else {
          (negativePlacement[s] as Float64Array)[negativeIndex[row] ?? 0] = negativeValue;
        }
      }
      negativesBelow += tiedNegatives;
      positivesBelow += tiedPositives;
      i = j + 1;
    }
    auc[s] = sum / positives;
  });
  if (clusters) return clustered(auc, positivePlacement, negativePlacement, labels, clusters);
  const covariance = auc.map(() => new Array<number>(m).fill(0));
  for (let a = 0; a < m; a++) {
    for (let b = a; b < m; b++) {
      const c =
        sampleCovariance(positivePlacement[a], positivePlacement[b], auc[a], auc[b]) / positives +
        sampleCovariance(negativePlacement[a], negativePlacement[b], auc[a], auc[b]) / negatives;
      (covariance[a] as number[])[b] = c;
      (covariance[b] as number[])[a] = c;
    }
  }
  return { auc, covariance };
}

/** Obuchowski's (1997) covariance of the AUCs for clustered rows. */
function clustered(
  auc: number[],
  positivePlacement: Float64Array[],
  negativePlacement: Float64Array[],
  labels: ArrayLike<number>,
  clusters: ArrayLike<number>,
): DeLong {
  const n = labels.length;
  const index = new Map<number, number>();
  const clusterOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const key = clusters[i] ?? i;
    let c = index.get(key);
    if (c === undefined) {
      c = index.size;
      index.set(key, c);
    }
    clusterOf[i] = c;
  }
  const k = index.size;
  const m = auc.length;
  // Per cluster: its churners' and stayers' summed placements (minus their count × AUC).
  const positives = new Float64Array(k);
  const negatives = new Float64Array(k);
  const v10 = auc.map(() => new Float64Array(k));
  const v01 = auc.map(() => new Float64Array(k));
  for (let i = 0, p = 0, q = 0; i < n; i++) {
    const c = clusterOf[i] ?? 0;
    if ((labels[i] ?? 0) === 1) {
      positives[c] = (positives[c] ?? 0) + 1;
      for (let s = 0; s < m; s++) {
        const sums = v10[s] as Float64Array;
        sums[c] = (sums[c] ?? 0) + (positivePlacement[s]?.[p] ?? 0);
      }
      p++;
    } else {
      negatives[c] = (negatives[c] ?? 0) + 1;
      for (let s = 0; s < m; s++) {
        const sums = v01[s] as Float64Array;
        sums[c] = (sums[c] ?? 0) + (negativePlacement[s]?.[q] ?? 0);
      }
      q++;
    }
  }
  let totalPositives = 0;
  for (const v of positives) totalPositives += v;
  const totalNegatives = n - totalPositives;
  const factor = k > 1 ? k / (k - 1) : 1;
  const covariance = auc.map(() => new Array<number>(m).fill(0));
  for (let a = 0; a < m; a++) {
    for (let b = a; b < m; b++) {
      let s10 = 0;
      let s01 = 0;
      let s11ab = 0;
      let s11ba = 0;
      for (let c = 0; c < k; c++) {
        const pa = (v10[a]?.[c] ?? 0) - (positives[c] ?? 0) * (auc[a] ?? 0);
        const pb = (v10[b]?.[c] ?? 0) - (positives[c] ?? 0) * (auc[b] ?? 0);
        const na = (v01[a]?.[c] ?? 0) - (negatives[c] ?? 0) * (auc[a] ?? 0);
        const nb = (v01[b]?.[c] ?? 0) - (negatives[c] ?? 0) * (auc[b] ?? 0);
        s10 += pa * pb;
        s01 += na * nb;
        s11ab += pa * nb;
        s11ba += pb * na;
      }
      const value =
        factor *
        (s10 / (totalPositives * totalPositives) +
          s01 / (totalNegatives * totalNegatives) +
          (s11ab + s11ba) / (totalPositives * totalNegatives));
      (covariance[a] as number[])[b] = value;
      (covariance[b] as number[])[a] = value;
    }
  }
  return { auc, covariance };
}

function sampleCovariance(
  x: Float64Array | undefined,
  y: Float64Array | undefined,
  meanX = 0,
  meanY = 0,
): number {
  if (!x || !y || x.length < 2) return 0;
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += ((x[i] ?? 0) - meanX) * ((y[i] ?? 0) - meanY);
  return sum / (x.length - 1);
}

/** Standard error of AUC[a] − AUC[b]. */
export function differenceSe(result: DeLong, a: number, b: number): number {
  const c = result.covariance;
  const variance = (c[a]?.[a] ?? 0) + (c[b]?.[b] ?? 0) - 2 * (c[a]?.[b] ?? 0);
  return Math.sqrt(Math.max(0, variance));
}
