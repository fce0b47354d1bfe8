import { RFM_SEGMENTS, type RfmSegment } from '@retain/schemas';

/**
 * RFM segments: recency, frequency and monetary value each scored 1–5 by quintile of the scored
 * population (5 best: most recent, most orders, most spend). Equal values share a score, so with
 * many one-order customers the frequency scores skip (1, then 3). The segment is read off the
 * recency × frequency grid below; M is kept in the three-digit RFM code.
 */
export const SEGMENTS = RFM_SEGMENTS;
export type Segment = RfmSegment;

/** Segment by recency score r and frequency score f (1–5). */
export function segmentOf(r: number, f: number): Segment {
  if (r >= 4) {
    if (f === 5 || (r === 5 && f === 4)) return 'Champions';
    if (f === 4) return 'Loyal';
    if (f >= 2) return 'Potential loyalists';
    return r === 5 ? 'New' : 'Promising';
  }
  if (r === 3) {
    if (f >= 4) return 'Loyal';
    if (f === 3) return 'Need attention';
    return 'About to sleep';
  }
  if (f === 5) return "Can't lose them";
  if (f >= 3) return 'At risk';
  return r === 2 ? 'Hibernating' : 'Lost';
}

/**
 * Score 1 + ⌊5 · (share of customers strictly worse)⌋, capped at 5: a quintile score in which ties
 * share a score. `higherIsBetter` false for recency (fewer days since the last order is better).
 */
export function quintileScores(values: ArrayLike<number>, higherIsBetter: boolean): Uint8Array {
  const n = values.length;
  const sign = higherIsBetter ? 1 : -1;
  const keyed = new Float64Array(n);
  for (let i = 0; i < n; i++) keyed[i] = sign * (values[i] ?? 0);
  const sorted = keyed.slice().sort();
  const scores = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = keyed[i] ?? 0;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid] ?? 0) < v) lo = mid + 1;
      else hi = mid;
    }
    scores[i] = Math.min(5, 1 + Math.floor((5 * lo) / Math.max(1, n)));
  }
  return scores;
}

export interface RfmScores {
  r: Uint8Array;
  f: Uint8Array;
  m: Uint8Array;
  /** Index into SEGMENTS. */
  segment: Uint8Array;
}

export function rfmScores(
  recencyDays: ArrayLike<number>,
  orders: ArrayLike<number>,
  spend: ArrayLike<number>,
): RfmScores {
  const r = quintileScores(recencyDays, false);
  const f = quintileScores(orders, true);
  const m = quintileScores(spend, true);
  const segment = new Uint8Array(r.length);
  for (let i = 0; i < r.length; i++) segment[i] = SEGMENTS.indexOf(segmentOf(r[i] ?? 1, f[i] ?? 1));
  return { r, f, m, segment };
}
