import { hessian, invert, nelderMead } from './optimize.ts';

/*
 * The shifted-beta-geometric model (Fader & Hardie 2007, "How to project customer retention"):
 * each customer leaves at the end of every period with a probability θ of their own, θ ~ Beta(α, β)
 * across customers. The share still there after t periods is S(t) = B(α, β + t) / B(α, β), which
 * telescopes to Π_{i<t} (β + i) / (α + β + i). It is the reference model for the matrix's
 * "in it or later" curves.
 */

export interface SbgParams {
  alpha: number;
  beta: number;
}

/** S(0..horizon): the share of a cohort still there after each period. */
export function sbgSurvival({ alpha, beta }: SbgParams, horizon: number): number[] {
  const out = [1];
  for (let t = 1; t <= horizon; t++) out.push((out[t - 1] ?? 1) * ((beta + t - 1) / (alpha + beta + t - 1)));
  return out;
}

/**
 * One cohort's survivor counts: `survivors[t]` of `survivors[0]` still there after t periods.
 * Counts may be scaled (the paper's curves are per 1,000); only complete periods belong here.
 */
export interface SurvivorCurve {
  survivors: number[];
}

/**
 * The log-likelihood of survivor curves: those lost between t − 1 and t left at t, with
 * probability S(t − 1) − S(t); those still there at the last period are censored there, S(T).
 */
export function sbgLogLikelihood(params: SbgParams, curves: SurvivorCurve[]): number {
  const horizon = Math.max(0, ...curves.map((c) => c.survivors.length - 1));
  const s = sbgSurvival(params, horizon);
  let total = 0;
  for (const { survivors } of curves) {
    for (let t = 1; t < survivors.length; t++) {
      const lost = (survivors[t - 1] ?? 0) - (survivors[t] ?? 0);
      if (lost > 0) total += lost * Math.log((s[t - 1] ?? 1) - (s[t] ?? 0));
    }
    const last = survivors.length - 1;
    if (last > 0) total += (survivors[last] ?? 0) * Math.log(s[last] ?? 1);
  }
  return total;
}

export interface SbgFit {
  params: SbgParams;
  logLikelihood: number;
  /** Covariance of (ln α, ln β) from the observed information (Laplace); null if it is singular. */
  covariance: number[][] | null;
}

/** Maximum likelihood over ln α, ln β; curves with no complete period add nothing and are skipped. */
export function fitSbg(curves: SurvivorCurve[]): SbgFit | null {
  const usable = curves.filter((c) => c.survivors.length > 1 && (c.survivors[0] ?? 0) > 0);
  if (usable.length === 0) return null;
  const negLogLikelihood = ([la = 0, lb = 0]: number[]) =>
    -sbgLogLikelihood({ alpha: Math.exp(la), beta: Math.exp(lb) }, usable);
  // Start from the geometric fit: θ = share lost over the periods observed.
  let lost = 0;
  let exposed = 0;
  for (const { survivors } of usable) {
    for (let t = 1; t < survivors.length; t++) {
      lost += Math.max(0, (survivors[t - 1] ?? 0) - (survivors[t] ?? 0));
      exposed += survivors[t - 1] ?? 0;
    }
  }
  const theta = Math.min(0.95, Math.max(0.01, exposed > 0 ? lost / exposed : 0.5));
  const start = [Math.log(theta), Math.log(1 - theta)];
  let best = nelderMead(negLogLikelihood, start);
  best = nelderMead(negLogLikelihood, best.x, { step: 0.1 });
  const [la = 0, lb = 0] = best.x;
  const information = hessian(negLogLikelihood, best.x);
  return {
    params: { alpha: Math.exp(la), beta: Math.exp(lb) },
    logLikelihood: -best.value,
    covariance: invert(information),
  };
}
