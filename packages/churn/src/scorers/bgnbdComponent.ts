import {
  type BgNbdParams,
  bgnbdAliveProbability,
  bgnbdExpectedPurchases,
  fitBgNbd,
} from '../baselines/bgnbd.ts';
import type { Normalisation } from '../features/encode.ts';
import type { FeatureTable } from '../features/featureTable.ts';
import { SeededRandom } from '../random.ts';

/** Customers the BG/NBD parameters are estimated from (four parameters need no more: ± 0.01 AUC-free). */
export const BGNBD_SAMPLE = 10_000;

/** BG/NBD's time unit is the week: (x, t_x, T) of a customer from days since the last and first order. */
export function bgnbdHistory(frequency: number, recencyDays: number, tenureDays: number) {
  const T = Math.max(0, tenureDays) / 7;
  return { x: Math.max(0, frequency - 1), tx: Math.max(0, T - Math.max(0, recencyDays) / 7), T };
}

/**
 * BG/NBD fitted by maximum likelihood on the histories of the given rows (a seeded sample of at most
 * `sample`): it needs no labels, so it is always fitted on the customers it is about to score.
 */
export function fitBgnbdOn(
  table: FeatureTable,
  rows: ArrayLike<number>,
  seed: number,
  sample = BGNBD_SAMPLE,
): BgNbdParams {
  let chosen = Uint32Array.from({ length: rows.length }, (_, k) => rows[k] ?? 0);
  if (chosen.length > sample) {
    new SeededRandom(seed + 2).shuffle(chosen);
    chosen = chosen.subarray(0, sample).sort();
  }
  const x = new Float64Array(chosen.length);
  const tx = new Float64Array(chosen.length);
  const T = new Float64Array(chosen.length);
  chosen.forEach((i, k) => {
    const h = bgnbdHistory(
      table.raw.frequency[i] ?? 1,
      table.raw.recency_days[i] ?? 0,
      table.raw.tenure_days[i] ?? 0,
    );
    x[k] = h.x;
    tx[k] = h.tx;
    T[k] = h.T;
  });
  return fitBgNbd({ x, tx, T }).params;
}

const clampP = (p: number) => Math.min(1 - 1e-6, Math.max(1e-6, Number.isFinite(p) ? p : 0.5));

/**
 * The two outputs the scorers read: logit P(no purchase in the horizon), ln(expected purchases + 0.01).
 * Both rest on P(alive) and on E[purchases | alive], which depends on (x, T) only: `alive` lets a
 * caller whose variant moves t_x alone reuse the expensive part (a hypergeometric series).
 */
export function bgnbdOutputs(
  params: BgNbdParams,
  horizonWeeks: number,
  frequency: number,
  recencyDays: number,
  tenureDays: number,
  reuse?: { x: number; T: number; ifAlive: number; none: number },
): { none: number; expected: number; x: number; T: number; ifAlive: number; noneIfAlive: number } {
  const h = bgnbdHistory(frequency, recencyDays, tenureDays);
  const alive = bgnbdAliveProbability(params, h.x, h.tx, h.T);
  const same = reuse && reuse.x === h.x && reuse.T === h.T;
  // E[purchases in the horizon] = P(alive) · E[purchases | alive]; P(none | alive) = ((α+T)/(α+T+t))^(r+x).
  const ifAlive = same ? reuse.ifAlive : expectedIfAlive(params, h.x, h.T, horizonWeeks);
  const noneIfAlive = same
    ? reuse.none
    : Math.exp((params.r + h.x) * Math.log((params.alpha + h.T) / (params.alpha + h.T + horizonWeeks)));
  const p = clampP(1 - alive + alive * noneIfAlive);
  const e = alive * ifAlive;
  return {
    none: Math.log(p / (1 - p)),
    expected: Math.log(Math.max(0, Number.isFinite(e) ? e : 0) + 0.01),
    x: h.x,
    T: h.T,
    ifAlive,
    noneIfAlive,
  };
}

/** E[purchases in (T, T + t] | alive at T]: the expected purchases of equation 10 over P(alive). */
function expectedIfAlive(params: BgNbdParams, x: number, T: number, t: number): number {
  // bgnbdExpectedPurchases divides by 1 + [x > 0]·a/(b+x−1)·((α+T)/(α+t_x))^(r+x), i.e. multiplies by
  // P(alive); with t_x = T that factor is 1/(1 + a/(b+x−1)) for x > 0.
  const atLast = bgnbdExpectedPurchases(params, x, T, T, t);
  return x > 0 ? atLast * (1 + params.a / (params.b + x - 1)) : atLast;
}

/**
 * BG/NBD's outputs from network inputs (standardised ln(1 + ·) of orders, days since the last and
 * since the first order), for each row and occluded variant: out[v · n + i]. Reading the same inputs
 * as every other scorer is what lets an occluded group (recency, frequency, tenure) move BG/NBD too;
 * a variant whose group holds none of the three is the row's own value.
 */
export function bgnbdVariants(
  params: BgNbdParams,
  horizonWeeks: number,
  normalisation: Normalisation,
  x: Float32Array,
  n: number,
  groups: readonly (readonly number[])[] = [],
  baseline: ArrayLike<number> = [],
): { none: Float64Array; expected: Float64Array } {
  const d = normalisation.columns.length;
  const column = (name: string) => {
    const j = normalisation.columns.findIndex((c) => c.name === name);
    if (j < 0) throw new Error(`BG/NBD needs the input ${name}`);
    const c = normalisation.columns[j];
    return { j, mean: c?.mean ?? 0, std: c?.std ?? 1 };
  };
  const [frequency, recency, tenure] = [column('frequency'), column('recency_days'), column('tenure_days')];
  const raw = (c: { mean: number; std: number }, v: number) => Math.expm1(v * c.std + c.mean);
  // Orders are whole: a count read back through float32 is snapped to it, because BG/NBD treats
  // x = 0 (never bought again, alive for sure) and any x > 0 differently. An occluded count (the
  // population's average) stays as it is.
  const orders = (v: number) => {
    const f = raw(frequency, v);
    const whole = Math.round(f);
    return Math.abs(f - whole) < 1e-3 ? whole : f;
  };
  const variants = groups.length + 1;
  const none = new Float64Array(variants * n);
  const expected = new Float64Array(variants * n);
  // Per group: which of the three inputs it occludes (null: none, so the row's own outputs stand).
  const occludes = groups.map((g) => {
    const hit = {
      frequency: g.includes(frequency.j),
      recency: g.includes(recency.j),
      tenure: g.includes(tenure.j),
    };
    return hit.frequency || hit.recency || hit.tenure ? hit : null;
  });
  const occludedFrequency = orders(baseline[frequency.j] ?? 0);
  const occludedRecency = raw(recency, baseline[recency.j] ?? 0);
  const occludedTenure = raw(tenure, baseline[tenure.j] ?? 0);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    const ownFrequency = orders(x[row + frequency.j] ?? 0);
    const ownRecency = raw(recency, x[row + recency.j] ?? 0);
    const ownTenure = raw(tenure, x[row + tenure.j] ?? 0);
    const base = bgnbdOutputs(params, horizonWeeks, ownFrequency, ownRecency, ownTenure);
    const reuse = { x: base.x, T: base.T, ifAlive: base.ifAlive, none: base.noneIfAlive };
    none[i] = base.none;
    expected[i] = base.expected;
    for (let g = 0; g < groups.length; g++) {
      const at = (g + 1) * n + i;
      const hit = occludes[g];
      if (!hit) {
        none[at] = base.none;
        expected[at] = base.expected;
        continue;
      }
      const occluded = bgnbdOutputs(
        params,
        horizonWeeks,
        hit.frequency ? occludedFrequency : ownFrequency,
        hit.recency ? occludedRecency : ownRecency,
        hit.tenure ? occludedTenure : ownTenure,
        reuse,
      );
      none[at] = occluded.none;
      expected[at] = occluded.expected;
    }
  }
  return { none, expected };
}
