import { hessian, invert, nelderMead, quadraticForm } from './optimize.ts';
import { sbgSurvival } from './shiftedBetaGeometric.ts';

/*
 * The "in the period" model: the share of a cohort with a purchase in the period k periods after
 * its first (k ≥ 1). It is the discrete-time purchase process of the beta-geometric/beta-Bernoulli
 * model (Fader, Hardie & Shang 2010, BG/NBD's counterpart for periods): while a customer is still a
 * customer they buy in a period with probability p, and before each period they leave for good with
 * probability θ. With θ ~ Beta(γ, δ) across customers, the expected share buying in period k is
 *
 *     r_c(k) = m_c · S(k),   S(k) = Π_{i<k} (δ + i) / (γ + δ + i)   (the sBG survival),
 *
 * m_c the cohort's mean purchase probability while still a customer. The shape (γ, δ) is pooled over
 * the cohorts, each cohort has its own level m_c (cohort effects), shrunk towards the cohorts' mean
 * by how much the levels really differ (empirical Bayes), so that a cohort with one observed month
 * borrows from the others and a cohort with none takes their mean with its spread.
 *
 * Cells are fitted as binomial counts (active of base); the same customers appear in every cell of
 * their cohort and months differ for reasons the model leaves out (seasons, campaigns), so the
 * spread of the cells around the fit (Pearson χ² per degree of freedom, at least 1) scales the
 * parameter covariance (quasi-likelihood). A forecast cell's own noise is binomial plus the cells'
 * variance beyond binomial around the fit: a month's shock moves a cohort of any size alike.
 */

export interface ActivityCells {
  /** active[k] customers of bases[k] bought in period k; only complete cells with k ≥ 1 are fitted. */
  active: number[];
  bases: number[];
  complete: boolean[];
  /** Whether the cohort is large enough to have a level of its own (else the pooled level). */
  ownLevel: boolean;
}

export interface ActivityForecast {
  /** Expected share buying in period k, and its standard error including sampling noise. */
  at(k: number): { value: number; se: number };
  /** Whether the cohort's level is the pooled one (too small, or no complete period after the first). */
  pooled: boolean;
}

export interface ActivityFit {
  shape: { gamma: number; delta: number };
  /** Mean level over the cohorts and the between-cohort standard deviation of the levels. */
  meanLevel: number;
  levelSpread: number;
  dispersion: number;
  /** The oldest complete period after the first in any fitted cohort. */
  oldestAge: number;
  forecasts: ActivityForecast[];
}

interface Cell {
  k: number;
  a: number;
  n: number;
}

const cellsOf = (c: ActivityCells): Cell[] => {
  const out: Cell[] = [];
  for (let k = 1; k < c.active.length; k++) {
    const n = c.bases[k] ?? 0;
    if (c.complete[k] && n > 0) out.push({ k, a: Math.min(c.active[k] ?? 0, n), n });
  }
  return out;
};

const LEVEL_FLOOR = 1e-6;

/** The level maximising a cohort's binomial likelihood for a shape, and its observed information. */
function fitLevel(cells: Cell[], s: number[]): { m: number; information: number; logLikelihood: number } {
  let totalA = 0;
  let exposure = 0;
  let sMax = 0;
  for (const { k, a, n } of cells) {
    const sk = s[k] ?? 0;
    totalA += a;
    exposure += n * sk;
    sMax = Math.max(sMax, sk);
  }
  // m is a probability; S(k) ≤ 1 keeps every cell's share below it.
  const ceiling = Math.min(1, (1 - 1e-9) / Math.max(sMax, 1e-12));
  let m = Math.min(Math.max(exposure > 0 ? totalA / exposure : LEVEL_FLOOR, LEVEL_FLOOR), ceiling);
  const derivatives = (level: number) => {
    let d1 = 0;
    let d2 = 0;
    let ll = 0;
    for (const { k, a, n } of cells) {
      const sk = s[k] ?? 0;
      const r = level * sk;
      d1 += a / level - ((n - a) * sk) / (1 - r);
      d2 += -a / (level * level) - ((n - a) * sk * sk) / ((1 - r) * (1 - r));
      ll += (a > 0 ? a * Math.log(r) : 0) + (n - a > 0 ? (n - a) * Math.log(1 - r) : 0);
    }
    return { d1, d2, ll };
  };
  for (let i = 0; i < 30; i++) {
    const { d1, d2 } = derivatives(m);
    if (d2 >= 0) break;
    const next = Math.min(Math.max(m - d1 / d2, m / 4, LEVEL_FLOOR), ceiling, m * 4);
    if (Math.abs(next - m) < 1e-10 * Math.max(m, 1e-9)) {
      m = next;
      break;
    }
    m = next;
  }
  const { d2, ll } = derivatives(m);
  return { m, information: Math.max(-d2, 1e-12), logLikelihood: ll };
}

/**
 * Fits the shape over the cohorts with levels of their own and, as one more group, the rest (small
 * cohorts and those with no complete period after the first); forecasts every cohort. Null when no
 * cohort has a complete period after its first.
 */
export function fitActivity(cohorts: ActivityCells[]): ActivityFit | null {
  const cells = cohorts.map(cellsOf);
  // Groups with a level each: every cohort with a level of its own, and the other cohorts together.
  const own = cohorts.map((c, i) => c.ownLevel && (cells[i]?.length ?? 0) > 0);
  // One level for them all: their cells of the same age are one binomial cell (daily cohorts are
  // mostly small, and this keeps the fit's cost to the ages, not the cohorts).
  const byAge = new Map<number, Cell>();
  cells.forEach((list, i) => {
    if (own[i]) return;
    for (const { k, a, n } of list) {
      const cell = byAge.get(k) ?? { k, a: 0, n: 0 };
      cell.a += a;
      cell.n += n;
      byAge.set(k, cell);
    }
  });
  const pooledCells = [...byAge.values()].sort((x, y) => x.k - y.k);
  const groups = [...cells.filter((_, i) => own[i]), ...(pooledCells.length > 0 ? [pooledCells] : [])];
  if (groups.length === 0) return null;
  const oldestAge = Math.max(...groups.flatMap((list) => list.map((cell) => cell.k)));

  const negProfile = ([lg = 0, ld = 0]: number[]) => {
    const s = sbgSurvival({ alpha: Math.exp(lg), beta: Math.exp(ld) }, oldestAge);
    let total = 0;
    for (const list of groups) total -= fitLevel(list, s).logLikelihood;
    return total;
  };
  // With one age observed the shape is not identified; the likelihood is flat in it, and the
  // optimiser's start (slow decay) stands. Levels still fit the one age exactly.
  let best = nelderMead(negProfile, [Math.log(0.5), Math.log(5)], { maxIterations: 400, tolerance: 1e-9 });
  best = nelderMead(negProfile, best.x, { step: 0.1, maxIterations: 200, tolerance: 1e-9 });
  const shapeX = best.x;
  const shapeAt = (x: number[], horizon: number) =>
    sbgSurvival({ alpha: Math.exp(x[0] ?? 0), beta: Math.exp(x[1] ?? 0) }, horizon);
  const s = shapeAt(shapeX, oldestAge);
  // The shape and its four neighbours for the gradient (±h in ln γ, ln δ), grown as ages ask.
  const SHAPE_STEP = 1e-3;
  const neighbours = [
    shapeX,
    ...[0, 1].flatMap((j) =>
      [1, -1].map((sign) => shapeX.map((v, l) => (l === j ? v + sign * SHAPE_STEP : v))),
    ),
  ];
  let survivals = neighbours.map((x) => shapeAt(x, oldestAge));
  const survivalsTo = (k: number) => {
    if ((survivals[0]?.length ?? 0) <= k)
      survivals = neighbours.map((x) => shapeAt(x, Math.max(2 * k, oldestAge)));
    return survivals;
  };

  // Over-dispersion: Pearson χ² of the fitted cells per degree of freedom.
  const groupLevels = groups.map((list) => fitLevel(list, s));
  let chi2 = 0;
  let cellCount = 0;
  let excess = 0;
  groupLevels.forEach((level, g) => {
    for (const { k, a, n } of groups[g] ?? []) {
      const r = level.m * (s[k] ?? 0);
      chi2 += (a - n * r) ** 2 / Math.max(n * r * (1 - r), 1e-12);
      excess += (a / n - r) ** 2 - (r * (1 - r)) / n;
      cellCount += 1;
    }
  });
  // The cells' variance beyond binomial noise, in shares (a moment estimate, at least 0).
  const extraVariance = cellCount > 0 ? Math.max(0, excess / cellCount) : 0;
  const parameters = 2 + groups.length;
  const dispersion = cellCount > parameters ? Math.max(1, chi2 / (cellCount - parameters)) : 1;
  const shapeCovariance =
    oldestAge >= 2
      ? invert(hessian(negProfile, shapeX, 1e-3).map((row) => row.map((v) => v / dispersion)))
      : null;

  // Empirical Bayes over the levels: the between-cohort variance τ² by DerSimonian–Laird.
  const estimates = groupLevels.map((level) => ({ m: level.m, v: dispersion / level.information }));
  const fixedWeights = estimates.map((e) => 1 / e.v);
  const sumW = fixedWeights.reduce((t, w) => t + w, 0);
  const fixedMean = estimates.reduce((t, e, i) => t + (fixedWeights[i] ?? 0) * e.m, 0) / sumW;
  const q = estimates.reduce((t, e, i) => t + (fixedWeights[i] ?? 0) * (e.m - fixedMean) ** 2, 0);
  const sumW2 = fixedWeights.reduce((t, w) => t + w * w, 0);
  const tau2 = estimates.length > 1 ? Math.max(0, (q - (estimates.length - 1)) / (sumW - sumW2 / sumW)) : 0;
  const randomWeights = estimates.map((e) => 1 / (e.v + tau2));
  const sumRandom = randomWeights.reduce((t, w) => t + w, 0);
  const meanLevel = estimates.reduce((t, e, i) => t + (randomWeights[i] ?? 0) * e.m, 0) / sumRandom;
  const meanVariance = 1 / sumRandom;

  let ownIndex = 0;
  const forecasts = cohorts.map((cohort, i): ActivityForecast => {
    const level = own[i] ? groupLevels[ownIndex++] : undefined;
    const ownCells = own[i] ? (cells[i] ?? []) : [];
    const pooled = !level;
    let m: number;
    let levelVariance: number;
    if (level) {
      const v = dispersion / level.information;
      const precision = 1 / v + (tau2 > 0 ? 1 / tau2 : Number.POSITIVE_INFINITY);
      m = Number.isFinite(precision) ? (level.m / v + meanLevel / tau2) / precision : meanLevel;
      levelVariance = Number.isFinite(precision) ? 1 / precision : meanVariance;
    } else {
      m = meanLevel;
      levelVariance = tau2 + meanVariance;
    }
    const n = Math.max(1, ...cohort.bases.filter((b) => b > 0));
    const cache = new Map<number, { value: number; se: number }>();
    // The level the cohort's own cells imply under each neighbouring shape (once per cohort).
    let neighbourLevels: number[] | null = null;
    const levelsNear = () => {
      neighbourLevels ??= survivalsTo(oldestAge)
        .slice(1)
        .map((sx) => (ownCells.length > 0 ? fitLevel(ownCells, sx).m : m));
      return neighbourLevels;
    };
    return {
      pooled,
      at(k) {
        const hit = cache.get(k);
        if (hit) return hit;
        const all = survivalsTo(k);
        const sk = all[0]?.[k] ?? 0;
        const value = Math.min(1, m * sk);
        // The shape's share: moving it moves the level the cohort's own cells imply, too.
        let shapeVariance = 0;
        if (shapeCovariance) {
          const levels = levelsNear();
          const moved = (i: number) => (levels[i] ?? m) * (all[i + 1]?.[k] ?? 0);
          const gradient = [
            (moved(0) - moved(1)) / (2 * SHAPE_STEP),
            (moved(2) - moved(3)) / (2 * SHAPE_STEP),
          ];
          shapeVariance = quadraticForm(gradient, shapeCovariance);
        }
        // A future cell: who of the cohort buys (binomial), plus the month's own shock, which hits
        // a cohort of any size alike (seasons, campaigns): the cells' spread beyond binomial noise.
        const sampling = (value * (1 - value)) / n + extraVariance;
        const result = { value, se: Math.sqrt(sk * sk * levelVariance + shapeVariance + sampling) };
        cache.set(k, result);
        return result;
      },
    };
  });
  return {
    shape: { gamma: Math.exp(shapeX[0] ?? 0), delta: Math.exp(shapeX[1] ?? 0) },
    meanLevel,
    levelSpread: Math.sqrt(tau2),
    dispersion,
    oldestAge,
    forecasts,
  };
}
