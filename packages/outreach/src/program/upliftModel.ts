import { UPLIFT_FEATURES } from './customerStateSql.ts';

/*
 * The uplift model: a two-model (T-learner) estimate of P(a call changes the outcome) per customer,
 * P(retained | called, x) − P(retained | not called, x), each a ridge-penalised logistic regression
 * on the features of customerStateSql.ts, standardised. Pure functions; the SQL that reads the
 * training rows and applies the model lives beside them (upliftSql, fitUplift.ts).
 */

export interface UpliftModel {
  features: string[];
  /** Standardisation: x' = (x − mean) / scale. */
  mean: number[];
  scale: number[];
  /** Intercept first, then one weight per feature. */
  treated: number[];
  control: number[];
}

/** One member of a matured list: features at the list's date, the arm, and whether they were retained. */
export interface UpliftRow {
  x: readonly number[];
  treated: boolean;
  retained: boolean;
}

const RIDGE = 1;

/** Logistic regression by Newton's method with a ridge penalty (intercept unpenalised). */
export function fitLogistic(
  xs: readonly (readonly number[])[],
  ys: readonly number[],
  ridge = RIDGE,
): number[] {
  const d = (xs[0]?.length ?? 0) + 1;
  const w = new Array<number>(d).fill(0);
  for (let iteration = 0; iteration < 50; iteration++) {
    const gradient = new Array<number>(d).fill(0);
    const hessian = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i] ?? [];
      let z = w[0] ?? 0;
      for (let j = 1; j < d; j++) z += (w[j] ?? 0) * (x[j - 1] ?? 0);
      const p = 1 / (1 + Math.exp(-z));
      const r = (ys[i] ?? 0) - p;
      const v = Math.max(p * (1 - p), 1e-9);
      for (let j = 0; j < d; j++) {
        const xj = j === 0 ? 1 : (x[j - 1] ?? 0);
        gradient[j] = (gradient[j] ?? 0) + r * xj;
        const row = hessian[j] ?? [];
        for (let k = 0; k <= j; k++) row[k] = (row[k] ?? 0) + v * xj * (k === 0 ? 1 : (x[k - 1] ?? 0));
      }
    }
    for (let j = 1; j < d; j++) {
      gradient[j] = (gradient[j] ?? 0) - ridge * (w[j] ?? 0);
      const row = hessian[j] ?? [];
      row[j] = (row[j] ?? 0) + ridge;
    }
    for (let j = 0; j < d; j++) for (let k = j + 1; k < d; k++) (hessian[j] ?? [])[k] = hessian[k]?.[j] ?? 0;
    const step = solve(hessian, gradient);
    let largest = 0;
    for (let j = 0; j < d; j++) {
      w[j] = (w[j] ?? 0) + (step[j] ?? 0);
      largest = Math.max(largest, Math.abs(step[j] ?? 0));
    }
    if (largest < 1e-8) break;
  }
  return w;
}

/** Solves A x = b by Gaussian elimination with partial pivoting (A is small and positive definite). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] ?? 0]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]?.[c] ?? 0) > Math.abs(m[pivot]?.[c] ?? 0)) pivot = r;
    [m[c], m[pivot]] = [m[pivot] ?? [], m[c] ?? []];
    const top = m[c] ?? [];
    const p = top[c] ?? 1;
    if (Math.abs(p) < 1e-12) continue;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const row = m[r] ?? [];
      const f = (row[c] ?? 0) / p;
      if (f === 0) continue;
      for (let k = c; k <= n; k++) row[k] = (row[k] ?? 0) - f * (top[k] ?? 0);
    }
  }
  return m.map((row, i) => (row[n] ?? 0) / (row[i] || 1));
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function linear(w: readonly number[], x: readonly number[]): number {
  let z = w[0] ?? 0;
  for (let j = 0; j < x.length; j++) z += (w[j + 1] ?? 0) * (x[j] ?? 0);
  return z;
}

/** Fits the two models on `rows`; throws if either arm is empty. */
export function fitUpliftModel(rows: readonly UpliftRow[]): UpliftModel {
  const features = UPLIFT_FEATURES.map((f) => f.name);
  const d = features.length;
  const mean = new Array<number>(d).fill(0);
  const scale = new Array<number>(d).fill(0);
  for (const row of rows)
    for (let j = 0; j < d; j++) mean[j] = (mean[j] ?? 0) + (row.x[j] ?? 0) / rows.length;
  for (const row of rows)
    for (let j = 0; j < d; j++)
      scale[j] = (scale[j] ?? 0) + ((row.x[j] ?? 0) - (mean[j] ?? 0)) ** 2 / rows.length;
  for (let j = 0; j < d; j++) scale[j] = Math.sqrt(scale[j] ?? 0) || 1;
  const standard = (x: readonly number[]) => x.map((v, j) => (v - (mean[j] ?? 0)) / (scale[j] ?? 1));
  const arm = (treated: boolean) => {
    const of = rows.filter((r) => r.treated === treated);
    if (of.length === 0)
      throw new Error(`no ${treated ? 'treated' : 'control'} customers to fit the uplift model on`);
    return fitLogistic(
      of.map((r) => standard(r.x)),
      of.map((r) => (r.retained ? 1 : 0)),
    );
  };
  return { features, mean, scale, treated: arm(true), control: arm(false) };
}

/** The model's P(a call changes the outcome) for features `x`, floored at 0. */
export function predictUplift(model: UpliftModel, x: readonly number[]): number {
  const z = x.map((v, j) => (v - (model.mean[j] ?? 0)) / (model.scale[j] ?? 1));
  return Math.max(0, sigmoid(linear(model.treated, z)) - sigmoid(linear(model.control, z)));
}

/** A finite number as a SQL literal (the model's own numbers, never user input). */
function literal(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`uplift model holds a non-finite number: ${value}`);
  return `${value.toPrecision(17)}::DOUBLE`;
}

/** predictUplift as a DuckDB expression over a row with the columns UPLIFT_FEATURES read. */
export function upliftSql(model: UpliftModel): string {
  const byName = new Map(UPLIFT_FEATURES.map((f) => [f.name, f.sql]));
  const standard = model.features.map((name, j) => {
    const sql = byName.get(name);
    if (sql === undefined) throw new Error(`the uplift model uses a feature this build lacks: ${name}`);
    return `((${sql}) - ${literal(model.mean[j] ?? 0)}) / ${literal(model.scale[j] ?? 1)}`;
  });
  const z = (w: readonly number[]) =>
    [literal(w[0] ?? 0), ...standard.map((x, j) => `${literal(w[j + 1] ?? 0)} * ${x}`)].join(' + ');
  return `greatest(0, 1 / (1 + exp(-(${z(model.treated)}))) - 1 / (1 + exp(-(${z(model.control)}))))`;
}

export interface QiniPoint {
  /** Share of the population targeted, best-ranked first. */
  share: number;
  /** Extra customers retained by calling that share, scaled to the population: Qini's y. */
  gain: number;
}

export interface QiniResult {
  points: QiniPoint[];
  /** Area between the curve and the straight line of random targeting, over the population (per customer). */
  coefficient: number;
  /** Observed uplift (treated − control retention) in the top 10 %, 20 % and 30 %. */
  topDeciles: { share: number; uplift: number | null }[];
}

/**
 * The Qini curve of a ranking on held-out rows: for the top k by `score`, Y_t(k) − Y_c(k)·N_t(k)/N_c(k),
 * over the number of rows; ties in the score are broken by position, so give rows in a fixed order.
 */
export function qini(rows: readonly UpliftRow[], score: readonly number[], steps = 20): QiniResult {
  const order = rows.map((_, i) => i).sort((a, b) => (score[b] ?? 0) - (score[a] ?? 0) || a - b);
  const n = rows.length;
  let nt = 0;
  let nc = 0;
  let yt = 0;
  let yc = 0;
  const gains: number[] = [0];
  for (const i of order) {
    const row = rows[i];
    if (!row) continue;
    if (row.treated) {
      nt += 1;
      yt += row.retained ? 1 : 0;
    } else {
      nc += 1;
      yc += row.retained ? 1 : 0;
    }
    gains.push(nc === 0 ? 0 : (yt - (yc * nt) / nc) / n);
  }
  const total = gains[n] ?? 0;
  // Trapezoids under the curve, less the triangle under the random line.
  let area = 0;
  for (let k = 1; k <= n; k++) area += ((gains[k] ?? 0) + (gains[k - 1] ?? 0)) / 2 / n;
  const coefficient = area - total / 2;
  const points: QiniPoint[] = [];
  for (let s = 0; s <= steps; s++) {
    const k = Math.round((s / steps) * n);
    points.push({ share: s / steps, gain: gains[k] ?? 0 });
  }
  const topDeciles = [0.1, 0.2, 0.3].map((share) => {
    const top = order.slice(0, Math.max(1, Math.round(share * n))).map((i) => rows[i]);
    const t = top.filter((r) => r?.treated);
    const c = top.filter((r) => r && !r.treated);
    const rate = (of: typeof top) => of.filter((r) => r?.retained).length / of.length;
    return { share, uplift: t.length === 0 || c.length === 0 ? null : rate(t) - rate(c) };
  });
  return { points, coefficient, topDeciles };
}
