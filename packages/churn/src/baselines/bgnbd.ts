/**
 * The BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): purchases
 * follow a Poisson process with rate λ ~ Gamma(r, α) while alive; after each purchase the customer
 * drops out with probability p ~ Beta(a, b). Fitted by maximum likelihood on (x, t_x, T) per customer:
 * x repeat purchases, t_x the time of the last one and T the time since the first, in one time unit.
 */

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface BgNbdData {
  /** Repeat purchases (orders − 1). */
  x: ArrayLike<number>;
  /** Time from the first to the last purchase. */
  tx: ArrayLike<number>;
  /** Time from the first purchase to the end of the observation. */
  T: ArrayLike<number>;
}

export interface BgNbdFit {
  params: BgNbdParams;
  logLikelihood: number;
  iterations: number;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9): about 15 significant digits. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let sum = c[0] ?? 0;
  for (let i = 1; i < 9; i++) sum += (c[i] ?? 0) / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Total log-likelihood of the data under the parameters. */
export function bgnbdLogLikelihood(
  params: BgNbdParams,
  data: BgNbdData,
  weights?: ArrayLike<number>,
): number {
  return compile(data, weights)(params);
}

/**
 * The likelihood as a function of the parameters for fixed data. The Γ terms depend on x alone, so
 * they are computed once per distinct x rather than once per customer.
 */
function compile(data: BgNbdData, weights?: ArrayLike<number>): (params: BgNbdParams) => number {
  const n = data.x.length;
  const distinct = [...new Set(Array.from({ length: n }, (_, i) => data.x[i] ?? 0))].sort((p, q) => p - q);
  const slot = new Map(distinct.map((x, k) => [x, k]));
  const xIndex = Int32Array.from({ length: n }, (_, i) => slot.get(data.x[i] ?? 0) ?? 0);
  const perX = new Float64Array(distinct.length);
  const logB = new Float64Array(distinct.length);
  return ({ r, alpha, a, b }) => {
    const constant = logGamma(a + b) - logGamma(b) - logGamma(r) + r * Math.log(alpha);
    distinct.forEach((x, k) => {
      perX[k] = constant + logGamma(r + x) + logGamma(b + x) - logGamma(a + b + x);
      logB[k] = x > 0 ? Math.log(a) - Math.log(b + x - 1) : 0;
    });
    let total = 0;
    for (let i = 0; i < n; i++) {
      const x = data.x[i] ?? 0;
      const k = xIndex[i] ?? 0;
      const a3 = -(r + x) * Math.log(alpha + (data.T[i] ?? 0));
      let ll: number;
      if (x > 0) {
        const a4 = (logB[k] ?? 0) - (r + x) * Math.log(alpha + (data.tx[i] ?? 0));
        const m = Math.max(a3, a4);
        ll = (perX[k] ?? 0) + m + Math.log(Math.exp(a3 - m) + Math.exp(a4 - m));
      } else {
        ll = (perX[k] ?? 0) + a3;
      }
      total += (weights?.[i] ?? 1) * ll;
    }
    return total;
  };
}

/**
 * Maximum likelihood over the log-parameters by Nelder–Mead, restarted from the best point until it
 * stops improving (a restart shakes the simplex out of the narrow valleys this surface has). On data
 * that BG/NBD does not describe well, a and b can run off towards infinity together (dropout almost
 * never): the log-parameters are kept within ±15 and the iterations are capped.
 */
export function fitBgNbd(
  data: BgNbdData,
  options: { weights?: ArrayLike<number>; start?: BgNbdParams } = {},
) {
  // Identical (x, t_x, T) triples are evaluated once, weighted by their count.
  const grouped = groupTriples(data, options.weights);
  const likelihood = compile(grouped.data, grouped.weights);
  const objective = (v: readonly number[]) => {
    if (v.some((value) => Math.abs(value) > 15)) return Number.POSITIVE_INFINITY;
    const ll = likelihood(fromLog(v));
    return Number.isFinite(ll) ? -ll : Number.POSITIVE_INFINITY;
  };
  const start = options.start ?? { r: 1, alpha: Math.max(1e-3, mean(data.T) / 4 || 1), a: 1, b: 1 };
  let best = toLog(start);
  let bestValue = objective(best);
  let iterations = 0;
  for (let restart = 0; restart < 4; restart++) {
    const result = nelderMead(objective, best, {
      step: restart === 0 ? 0.5 : 0.1,
      maxIterations: restart === 0 ? 1500 : 500,
      tolerance: 1e-11,
    });
    iterations += result.iterations;
    const improved = bestValue - result.value;
    if (result.value <= bestValue) {
      best = result.point;
      bestValue = result.value;
    }
    if (restart > 0 && improved < 1e-7) break;
  }
  return { params: fromLog(best), logLikelihood: -bestValue, iterations } satisfies BgNbdFit;
}

/** P(alive at T | x, t_x, T). */
export function bgnbdAliveProbability(params: BgNbdParams, x: number, tx: number, T: number): number {
  if (x <= 0) return 1;
  const { r, alpha, a, b } = params;
  const logRatio = Math.log(a / (b + x - 1)) + (r + x) * Math.log((alpha + T) / (alpha + tx));
  return 1 / (1 + Math.exp(logRatio));
}

/**
 * P(no purchase in (T, T + t] | x, t_x, T): dead, or alive with no purchase. A customer alive at T
 * cannot drop out before their next purchase, so given alive the chance of none in t is
 * E[e^{−λt}] with λ | alive ~ Gamma(r + x, α + T).
 */
export function bgnbdNoPurchaseProbability(
  params: BgNbdParams,
  x: number,
  tx: number,
  T: number,
  t: number,
): number {
  const alive = bgnbdAliveProbability(params, x, tx, T);
  const { r, alpha } = params;
  const none = Math.exp((r + x) * Math.log((alpha + T) / (alpha + T + t)));
  return 1 - alive + alive * none;
}

/** Expected purchases in (T, T + t] given the history (equation 10 of the paper, via the 2F1 series). */
export function bgnbdExpectedPurchases(params: BgNbdParams, x: number, tx: number, T: number, t: number) {
  const { r, alpha, a, b } = params;
  const z = t / (alpha + T + t);
  const hyp = hypergeometric2F1(r + x, b + x, a + b + x - 1, z);
  const numerator = ((a + b + x - 1) / (a - 1)) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp);
  const denominator = 1 + (x > 0 ? (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x) : 0);
  return numerator / denominator;
}

function hypergeometric2F1(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let j = 0; j < 10_000; j++) {
    term *= (((a + j) * (b + j)) / ((c + j) * (j + 1))) * z;
    sum += term;
    if (Math.abs(term) < 1e-14 * Math.abs(sum)) break;
  }
  return sum;
}

function groupTriples(data: BgNbdData, weights?: ArrayLike<number>) {
  const index = new Map<string, number>();
  const x: number[] = [];
  const tx: number[] = [];
  const T: number[] = [];
  const w: number[] = [];
  for (let i = 0; i < data.x.length; i++) {
    const xi = data.x[i] ?? 0;
    const txi = data.tx[i] ?? 0;
    const Ti = data.T[i] ?? 0;
    const key = `${xi}|${txi}|${Ti}`;
    const at = index.get(key);
    const weight = weights?.[i] ?? 1;
    if (at === undefined) {
      index.set(key, x.length);
      x.push(xi);
      tx.push(txi);
      T.push(Ti);
      w.push(weight);
    } else {
      w[at] = (w[at] ?? 0) + weight;
    }
  }
  return { data: { x, tx, T }, weights: w };
}

const toLog = (p: BgNbdParams) => [Math.log(p.r), Math.log(p.alpha), Math.log(p.a), Math.log(p.b)];
const fromLog = (v: readonly number[]): BgNbdParams => ({
  r: Math.exp(v[0] ?? 0),
  alpha: Math.exp(v[1] ?? 0),
  a: Math.exp(v[2] ?? 0),
  b: Math.exp(v[3] ?? 0),
});

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] ?? 0;
  return values.length === 0 ? 0 : sum / values.length;
}

/** Nelder–Mead with the standard coefficients; minimises `f`. */
export function nelderMead(
  f: (point: readonly number[]) => number,
  start: readonly number[],
  options: { step?: number; maxIterations?: number; tolerance?: number } = {},
): { point: number[]; value: number; iterations: number } {
  const n = start.length;
  const step = options.step ?? 0.5;
  const tolerance = options.tolerance ?? 1e-12;
  const simplex: number[][] = [Array.from(start)];
  for (let i = 0; i < n; i++) {
    const point = Array.from(start);
    point[i] = (point[i] ?? 0) + step;
    simplex.push(point);
  }
  let values = simplex.map(f);
  let iterations = 0;
  const combine = (p: readonly number[], q: readonly number[], t: number) =>
    p.map((pi, i) => pi + t * ((q[i] ?? 0) - pi));
  for (; iterations < (options.maxIterations ?? 2000); iterations++) {
    const order = values.map((_, i) => i).sort((i, j) => (values[i] ?? 0) - (values[j] ?? 0));
    const sorted = order.map((i) => simplex[i] ?? []);
    values = order.map((i) => values[i] ?? 0);
    simplex.splice(0, simplex.length, ...sorted);
    const bestValue = values[0] ?? 0;
    const worstValue = values[n] ?? 0;
    if (Math.abs(worstValue - bestValue) <= tolerance * (Math.abs(bestValue) + tolerance)) break;
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) centroid[j] = (centroid[j] ?? 0) + (simplex[i]?.[j] ?? 0) / n;
    const worst = simplex[n] ?? [];
    const reflected = combine(centroid, worst, -1);
    const fr = f(reflected);
    if (fr < bestValue) {
      const expanded = combine(centroid, worst, -2);
      const fe = f(expanded);
      if (fe < fr) {
        simplex[n] = expanded;
        values[n] = fe;
      } else {
        simplex[n] = reflected;
        values[n] = fr;
      }
    } else if (fr < (values[n - 1] ?? 0)) {
      simplex[n] = reflected;
      values[n] = fr;
    } else {
      const outside = fr < worstValue;
      const contracted = combine(centroid, worst, outside ? -0.5 : 0.5);
      const fc = f(contracted);
      if (fc < (outside ? fr : worstValue)) {
        simplex[n] = contracted;
        values[n] = fc;
      } else {
        const best = simplex[0] ?? [];
        for (let i = 1; i <= n; i++) {
          simplex[i] = combine(best, simplex[i] ?? [], 0.5);
          values[i] = f(simplex[i] ?? []);
        }
      }
    }
  }
  let bestIndex = 0;
  for (let i = 1; i <= n; i++) if ((values[i] ?? 0) < (values[bestIndex] ?? 0)) bestIndex = i;
  return { point: simplex[bestIndex] ?? Array.from(start), value: values[bestIndex] ?? f(start), iterations };
}
