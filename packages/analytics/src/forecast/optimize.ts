/*
 * The small numerical tools the forecast models need: a Nelder–Mead minimiser for two or three
 * parameters, a finite-difference Hessian for Laplace intervals, and the inverse of a small
 * symmetric matrix. The models have closed-form likelihoods but no closed-form maxima.
 */

export interface Minimum {
  x: number[];
  value: number;
  iterations: number;
}

/** Minimises f from x0 (Nelder–Mead, standard coefficients); `step` sizes the first simplex. */
export function nelderMead(
  f: (x: number[]) => number,
  x0: number[],
  { step = 0.5, tolerance = 1e-10, maxIterations = 2000 } = {},
): Minimum {
  const n = x0.length;
  const safe = (x: number[]) => {
    const value = f(x);
    return Number.isFinite(value) ? value : Number.POSITIVE_INFINITY;
  };
  let simplex = [x0, ...x0.map((_, i) => x0.map((v, j) => (i === j ? v + step : v)))].map((x) => ({
    x,
    value: safe(x),
  }));
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    simplex.sort((a, b) => a.value - b.value);
    const best = simplex[0];
    const worst = simplex[n];
    const second = simplex[n - 1];
    if (!best || !worst || !second) break;
    if (Math.abs(worst.value - best.value) <= tolerance * (Math.abs(best.value) + tolerance)) break;
    const centroid = Array.from({ length: n }, (_, j) => {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += simplex[i]?.x[j] ?? 0;
      return sum / n;
    });
    const along = (t: number) => centroid.map((c, j) => c + t * ((worst.x[j] ?? 0) - c));
    const reflected = along(-1);
    const reflectedValue = safe(reflected);
    if (reflectedValue < best.value) {
      const expanded = along(-2);
      const expandedValue = safe(expanded);
      simplex[n] =
        expandedValue < reflectedValue
          ? { x: expanded, value: expandedValue }
          : { x: reflected, value: reflectedValue };
    } else if (reflectedValue < second.value) {
      simplex[n] = { x: reflected, value: reflectedValue };
    } else {
      const contracted = reflectedValue < worst.value ? along(-0.5) : along(0.5);
      const contractedValue = safe(contracted);
      if (contractedValue < Math.min(reflectedValue, worst.value)) {
        simplex[n] = { x: contracted, value: contractedValue };
      } else {
        simplex = simplex.map((vertex, i) => {
          if (i === 0) return vertex;
          const x = vertex.x.map((v, j) => (best.x[j] ?? 0) + 0.5 * (v - (best.x[j] ?? 0)));
          return { x, value: safe(x) };
        });
      }
    }
  }
  simplex.sort((a, b) => a.value - b.value);
  const best = simplex[0] ?? { x: x0, value: safe(x0) };
  return { x: best.x, value: best.value, iterations };
}

/** The Hessian of f at x by central differences (f is a negative log-likelihood near its minimum). */
export function hessian(f: (x: number[]) => number, x: number[], h = 1e-4): number[][] {
  const n = x.length;
  const at = (di: number, dj: number, i: number, j: number) =>
    f(x.map((v, k) => v + (k === i ? di : 0) + (k === j ? dj : 0)));
  const f0 = f(x);
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      if (i === j) return (at(h, 0, i, i) - 2 * f0 + at(-h, 0, i, i)) / (h * h);
      return (at(h, h, i, j) - at(h, -h, i, j) - at(-h, h, i, j) + at(-h, -h, i, j)) / (4 * h * h);
    }),
  );
}

/** The inverse of a symmetric positive-definite matrix (Gauss–Jordan); null when it is singular. */
export function invert(matrix: number[][]): number[][] | null {
  const n = matrix.length;
  const a = matrix.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) {
      if (Math.abs(a[r]?.[col] ?? 0) > Math.abs(a[pivot]?.[col] ?? 0)) pivot = r;
    }
    const pivotRow = a[pivot];
    if (!pivotRow || Math.abs(pivotRow[col] ?? 0) < 1e-12) return null;
    [a[col], a[pivot]] = [pivotRow, a[col] ?? pivotRow];
    const p = pivotRow[col] ?? 1;
    for (let j = 0; j < 2 * n; j++) pivotRow[j] = (pivotRow[j] ?? 0) / p;
    for (let r = 0; r < n; r++) {
      const row = a[r];
      if (r === col || !row) continue;
      const factor = row[col] ?? 0;
      for (let j = 0; j < 2 * n; j++) row[j] = (row[j] ?? 0) - factor * (pivotRow[j] ?? 0);
    }
  }
  return a.map((row) => row.slice(n));
}

/** gᵀ Σ g. */
export function quadraticForm(g: number[], sigma: number[][]): number {
  let total = 0;
  for (let i = 0; i < g.length; i++) {
    for (let j = 0; j < g.length; j++) total += (g[i] ?? 0) * (sigma[i]?.[j] ?? 0) * (g[j] ?? 0);
  }
  return total;
}

/** z of a two-sided 80 % normal interval. */
export const Z80 = 1.2815515655446004;
