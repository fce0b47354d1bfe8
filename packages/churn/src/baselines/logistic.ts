/**
 * Logistic regression by Newton's method (IRLS) for a handful of features: the RFM baseline, the
 * recency-only baseline and the Platt recalibration of the network all use it.
 */

export interface LogisticModel {
  /** Intercept first, then one coefficient per feature. */
  coefficients: number[];
}

export interface LogisticOptions {
  /** Ridge penalty on the coefficients (not the intercept), per row. */
  l2?: number;
  iterations?: number;
}

/** `x` is row-major n × d. */
export function fitLogistic(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  d: number,
  options: LogisticOptions = {},
): LogisticModel {
  const n = y.length;
  const k = d + 1;
  const l2 = (options.l2 ?? 1e-6) * n;
  // Typed copies keep the per-row loop monomorphic (it runs over every row at every step).
  const xs = x instanceof Float64Array ? x : Float64Array.from({ length: n * d }, (_, i) => x[i] ?? 0);
  const ys = y instanceof Float64Array ? y : Float64Array.from({ length: n }, (_, i) => y[i] ?? 0);
  const beta = new Float64Array(k);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += ys[i] as number;
  mean = Math.min(1 - 1e-6, Math.max(1e-6, mean / Math.max(1, n)));
  beta[0] = Math.log(mean / (1 - mean));
  const gradient = new Float64Array(k);
  const hessian = new Float64Array(k * k);
  let previous = Number.POSITIVE_INFINITY;
  for (let iteration = 0; iteration < (options.iterations ?? 50); iteration++) {
    gradient.fill(0);
    hessian.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const base = i * d;
      let z = beta[0] as number;
      for (let j = 0; j < d; j++) z += (beta[j + 1] as number) * (xs[base + j] as number);
      const p = sigmoid(z);
      const target = ys[i] as number;
      loss -= target === 1 ? Math.log(Math.max(p, 1e-15)) : Math.log(Math.max(1 - p, 1e-15));
      const w = Math.max(p * (1 - p), 1e-12);
      const residual = p - target;
      gradient[0] = (gradient[0] as number) + residual;
      hessian[0] = (hessian[0] as number) + w;
      for (let a = 0; a < d; a++) {
        const xa = xs[base + a] as number;
        gradient[a + 1] = (gradient[a + 1] as number) + residual * xa;
        const wxa = w * xa;
        const rowA = (a + 1) * k;
        hessian[rowA] = (hessian[rowA] as number) + wxa;
        for (let b = 0; b <= a; b++)
          hessian[rowA + b + 1] = (hessian[rowA + b + 1] as number) + wxa * (xs[base + b] as number);
      }
    }
    for (let a = 1; a < k; a++) {
      gradient[a] = (gradient[a] ?? 0) + l2 * (beta[a] ?? 0);
      hessian[a * k + a] = (hessian[a * k + a] ?? 0) + l2;
    }
    for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) hessian[a * k + b] = hessian[b * k + a] ?? 0;
    const step = solveSymmetric(hessian, gradient, k);
    let change = 0;
    for (let j = 0; j < k; j++) {
      beta[j] = (beta[j] ?? 0) - (step[j] ?? 0);
      change = Math.max(change, Math.abs(step[j] ?? 0));
    }
    if (change < 1e-9 || Math.abs(previous - loss) < 1e-10 * Math.max(1, n)) break;
    previous = loss;
  }
  return { coefficients: Array.from(beta) };
}

export function predictLogistic(model: LogisticModel, x: ArrayLike<number>, d: number): Float64Array {
  const n = Math.floor(x.length / Math.max(1, d));
  const out = new Float64Array(n);
  const c = model.coefficients;
  for (let i = 0; i < n; i++) {
    let z = c[0] ?? 0;
    for (let j = 0; j < d; j++) z += (c[j + 1] ?? 0) * (x[i * d + j] ?? 0);
    out[i] = sigmoid(z);
  }
  return out;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Solves A x = b for a symmetric positive definite A (Cholesky, with a tiny ridge if needed). */
function solveSymmetric(a: Float64Array, b: Float64Array, k: number): Float64Array {
  for (let ridge = 0; ridge < 6; ridge++) {
    const jitter = ridge === 0 ? 0 : 10 ** (ridge - 10);
    const l = new Float64Array(k * k);
    let ok = true;
    for (let i = 0; i < k && ok; i++) {
      for (let j = 0; j <= i; j++) {
        let sum = (a[i * k + j] ?? 0) + (i === j ? jitter : 0);
        for (let p = 0; p < j; p++) sum -= (l[i * k + p] ?? 0) * (l[j * k + p] ?? 0);
        if (i === j) {
          if (!(sum > 0)) {
            ok = false;
            break;
          }
          l[i * k + i] = Math.sqrt(sum);
        } else {
          l[i * k + j] = sum / (l[j * k + j] ?? 1);
        }
      }
    }
    if (!ok) continue;
    const z = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      let sum = b[i] ?? 0;
      for (let p = 0; p < i; p++) sum -= (l[i * k + p] ?? 0) * (z[p] ?? 0);
      z[i] = sum / (l[i * k + i] ?? 1);
    }
    const x = new Float64Array(k);
    for (let i = k - 1; i >= 0; i--) {
      let sum = z[i] ?? 0;
      for (let p = i + 1; p < k; p++) sum -= (l[p * k + i] ?? 0) * (x[p] ?? 0);
      x[i] = sum / (l[i * k + i] ?? 1);
    }
    return x;
  }
  return new Float64Array(k);
}
