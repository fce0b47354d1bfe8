import { msPerDay, parseIsoDate } from './calendar.ts';
import { normalCdf } from './normalCdf.ts';
import {
  complaintRate,
  HazardBumps,
  residualClass,
  residualEffects,
  returnProbability,
  severityEffect,
} from './orderEffects.ts';
import { type Channel, type DemoParameters, demoParameters, type Region } from './parameters.ts';
import { SeasonalClock } from './seasonalClock.ts';

/** One order as the files show it. Times are epoch milliseconds (UTC). */
export interface HistoryOrder {
  at: number;
  /** The channel of this order (purchases.csv). */
  channel: string;
  lines: readonly { category: string; amount: number }[];
  /** When the order was returned (returns.csv), or null if it has not been (yet). */
  returnedAt: number | null;
}

export interface HistoryComplaint {
  openedAt: number;
  /** null while unresolved at the end of the history. */
  resolvedAt: number | null;
  severity: number;
}

/** What the files tell about one customer up to the end of the history. */
export interface CustomerHistory {
  /** Signup channel and region (customers.csv). */
  channel: string;
  region: string;
  /** At least one order; the first is the customer's birth. */
  orders: readonly HistoryOrder[];
  complaints: readonly HistoryComplaint[];
}

export interface PosteriorOptions {
  /** Last day of the history (inclusive), YYYY-MM-DD; the history ends at 00:00 UTC the day after. */
  end: string;
  /** Length of the churn window after the end, in days (default 90). */
  horizonDays?: number;
  /** Years before `end` the seasonal clock must cover, i.e. the oldest first order (default 20). */
  coverYears?: number;
  parameters?: DemoParameters;
}

export interface ChurnPosterior {
  /** P(alive at the end of the history | history). */
  aliveProbability: number;
  /** P(at least one order in the window | alive at the end, history). */
  orderProbabilityIfAlive: number;
  /** P(no order in (end, end + horizon] | history): the best any churn model can do on this process. */
  churnProbability: number;
}

/** Resolution-time grid: cells of 1/8 day, fine enough for the 2- and 7-day thresholds. */
const cellsPerDay = 8;

/**
 * The Bayesian posterior P(no order in the next `horizonDays` | observed history) under the very
 * process that generates the demo data (README, "Posterior"). The latent purchase rate λ and base
 * hazard μ̃ are integrated out in closed form; the death time before the end, and the complaints and
 * returns still to come or still open at the end, are integrated numerically.
 */
export class PosteriorModel {
  readonly parameters: DemoParameters;
  readonly horizonDays: number;
  private readonly clock: SeasonalClock;
  private readonly originMs: number;
  private readonly end: number;
  /** Mass of a fresh complaint's resolution time in each 1/8-day cell of the window. */
  private readonly freshMasses: Float64Array;
  /**
   * Longest Simpson step over the death time, in days. The hourly shape of the seasonal clock limits
   * the accuracy: with 7 days the churn probability is typically within 1e-4 of a converged value and
   * always within about 2e-3 (tests shorten the step to check this).
   */
  stepLimitDays = 7;

  constructor(options: PosteriorOptions) {
    this.parameters = options.parameters ?? demoParameters;
    this.horizonDays = options.horizonDays ?? 90;
    const p = this.parameters;
    if (p.complaints.residualDays < this.horizonDays || p.returns.hazardDays < this.horizonDays) {
      // The pending-event integrals assume a hazard that starts after the end outlasts the window.
      throw new Error('complaint and return hazards must last at least the churn window');
    }
    const endExclusive = parseIsoDate(options.end) + msPerDay;
    const coverDays = Math.ceil((options.coverYears ?? 20) * 366);
    this.originMs = endExclusive - coverDays * msPerDay;
    this.end = coverDays;
    this.clock = new SeasonalClock(this.originMs, coverDays + this.horizonDays + 1, p);
    this.freshMasses = this.resolutionMasses(0);
  }

  /** Posterior churn probability of one customer; `history.orders` must hold at least one order. */
  evaluate(history: CustomerHistory): ChurnPosterior {
    const p = this.parameters;
    const orders = [...history.orders].sort((a, b) => a.at - b.at);
    const first = orders[0];
    const last = orders[orders.length - 1];
    if (!first || !last) throw new Error('a history needs at least one order');
    const end = this.end;
    const birth = this.toDays(first.at);
    const lastOrder = this.toDays(last.at);
    if (birth < 0 || lastOrder > end) throw new Error('orders must lie inside the covered history');
    const channel = Object.hasOwn(p.channelEffects, history.channel)
      ? p.channelEffects[history.channel as Channel]
      : { purchase: 1, dropout: 1 };
    const region = Object.hasOwn(p.regionEffects, history.region)
      ? p.regionEffects[history.region as Region]
      : { purchase: 1, dropout: 1 };
    const alpha = p.purchaseRate.rate / (channel.purchase * region.purchase);
    const r = p.purchaseRate.shape + orders.length - 1;
    const s = p.dropout.shape;
    const beta = p.dropout.rate;
    const m = channel.dropout * region.dropout;

    // Known added hazards A(t); an open complaint is known to be open until the end and no further.
    const bumps = new HazardBumps();
    for (const complaint of history.complaints) {
      const openedAt = this.toDays(complaint.openedAt);
      if (openedAt >= end) continue;
      const resolvedAt =
        complaint.resolvedAt === null ? end : Math.min(end, this.toDays(complaint.resolvedAt));
      if (resolvedAt < end) bumps.addComplaint(openedAt, resolvedAt, complaint.severity, p);
      else bumps.add(openedAt, end, severityEffect(complaint.severity, p) * p.complaints.openHazard);
    }
    for (const order of orders) {
      if (order.returnedAt !== null && this.toDays(order.returnedAt) < end) {
        bumps.addReturn(this.toDays(order.returnedAt), p);
      }
    }

    // P(dead at the end) / P(alive at the end) = ∫ over the death time τ in (last order, end) of
    // ((α + C_T)/(α + C_τ))^r · m·(s/(β + m·L_τ) + A(τ)) · ((β + m·L_T)/(β + m·L_τ))^s · e^{m(I_T − I_τ)},
    // C the seasonal clock since birth, L the age, I = ∫A since birth; r = shape + repeat orders.
    const clockAtBirth = this.clock.at(birth);
    const alphaEnd = alpha + this.clock.at(end) - clockAtBirth;
    const betaEnd = beta + m * (end - birth);
    const logAlphaEnd = Math.log(alphaEnd);
    const logBetaEnd = Math.log(betaEnd);
    const addedAtEnd = bumps.integral(lastOrder, end);
    // Steps short against the expected gap between orders, so Simpson's rule stays accurate.
    const maxStep = Math.min(this.stepLimitDays, (0.25 * alphaEnd) / r);
    let deadOverAlive = 0;
    const breaks = [lastOrder, ...bumps.changesWithin(lastOrder, end), end];
    for (let piece = 0; piece + 1 < breaks.length; piece++) {
      const a = breaks[piece] ?? end;
      const b = breaks[piece + 1] ?? end;
      if (!(b > a)) continue;
      const added = bumps.integral(a, b) / (b - a);
      const addedBefore = bumps.integral(lastOrder, a);
      const steps = 2 * Math.max(1, Math.ceil((b - a) / maxStep / 2));
      const width = (b - a) / steps;
      let sum = 0;
      for (let i = 0; i <= steps; i++) {
        const tau = a + i * width;
        const betaTau = beta + m * (tau - birth);
        const value =
          m *
          (s / betaTau + added) *
          Math.exp(
            r * (logAlphaEnd - Math.log(alpha + this.clock.at(tau) - clockAtBirth)) +
              s * (logBetaEnd - Math.log(betaTau)) +
              m * (addedAtEnd - addedBefore - added * (tau - a)),
          );
        sum += value * (i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2);
      }
      deadOverAlive += (sum * width) / 3;
    }
    const aliveProbability = 1 / (1 + deadOverAlive);

    // Alive at the end: λ ~ Gamma(r, α + C_T) and μ̃ ~ Gamma(s, β + m·L_T), independent, so
    // P(order by T + u) = 1 − (α'/(α' + C(T, T+u)))^r and E[e^{−m·μ̃·u}] = (β'/(β' + m·u))^s.
    const horizon = this.horizonDays;
    const clockAtEnd = this.clock.at(end);
    const orderCdf = new Float64Array(horizon + 1);
    const survival = this.pendingFactors(orders, history.complaints, m);
    for (let day = 0; day <= horizon; day++) {
      orderCdf[day] = 1 - (alphaEnd / (alphaEnd + this.clock.at(end + day) - clockAtEnd)) ** r;
      survival[day] =
        (survival[day] ?? 1) *
        (betaEnd / (betaEnd + m * day)) ** s *
        Math.exp(-m * bumps.integral(end, end + day));
    }
    let orderProbabilityIfAlive = 0;
    for (let day = 0; day < horizon; day++) {
      orderProbabilityIfAlive +=
        ((orderCdf[day + 1] ?? 0) - (orderCdf[day] ?? 0)) *
        0.5 *
        ((survival[day] ?? 0) + (survival[day + 1] ?? 0));
    }
    return {
      aliveProbability,
      orderProbabilityIfAlive,
      churnProbability: 1 - aliveProbability * orderProbabilityIfAlive,
    };
  }

  private toDays(ms: number): number {
    return (ms - this.originMs) / msPerDay;
  }

  /**
   * E[e^{−m·∫_T^{T+u} A_pending}] for u = 0..horizon days: the survival factor of the hazards not yet
   * known at the end — complaints still open, complaints about recent orders not yet filed, returns of
   * recent orders not yet made. They are independent of each other and of μ̃, so the factors multiply.
   */
  private pendingFactors(
    orders: readonly HistoryOrder[],
    complaints: readonly HistoryComplaint[],
    m: number,
  ): Float64Array {
    const p = this.parameters;
    const horizon = this.horizonDays;
    const end = this.end;
    const factors = new Float64Array(horizon + 1).fill(1);

    for (const complaint of complaints) {
      const openedAt = this.toDays(complaint.openedAt);
      const resolved = complaint.resolvedAt !== null && this.toDays(complaint.resolvedAt) < end;
      if (openedAt >= end || resolved) continue;
      const elapsed = end - openedAt;
      const k = m * severityEffect(complaint.severity, p);
      const open = this.complaintFactors(k, elapsed, this.resolutionMasses(elapsed), 0, 1, horizon + 1);
      for (let day = 0; day <= horizon; day++) factors[day] = (factors[day] ?? 1) * (open[day] ?? 1);
    }

    // Complaints about recent orders arrive as a Poisson process with intensity ρ/maxDelay per order.
    const complaintWindows: { until: number; intensity: number }[] = [];
    const r = p.returns;
    for (const order of orders) {
      const age = end - this.toDays(order.at);
      const categories = order.lines.map((line) => line.category);
      if (age < p.complaints.maxDelayDays) {
        const value = order.lines.reduce((sum, line) => sum + line.amount, 0);
        const rate = complaintRate(value, categories, order.channel, p);
        if (rate > 0) {
          complaintWindows.push({
            until: p.complaints.maxDelayDays - age,
            intensity: rate / p.complaints.maxDelayDays,
          });
        }
      }
      const returned = order.returnedAt !== null && this.toDays(order.returnedAt) < end;
      if (!returned && age < r.maxDelayDays) {
        const base = returnProbability(categories, p);
        const stillPossible =
          (r.maxDelayDays - Math.max(age, r.minDelayDays)) / (r.maxDelayDays - r.minDelayDays);
        const probability = (base * stillPossible) / (1 - base + base * stillPossible);
        if (probability > 0) {
          const from = Math.max(r.minDelayDays - age, 0);
          this.multiplyPendingReturn(factors, m * r.hazard, probability, from, r.maxDelayDays - age);
        }
      }
    }
    if (complaintWindows.length > 0) this.multiplyPendingComplaints(factors, m, complaintWindows);
    return factors;
  }

  /**
   * Resolution law of a complaint already open for `elapsed` days: the mass of the remaining time in
   * each 1/8-day cell up to the horizon (the rest, never resolved included, stays open).
   */
  private resolutionMasses(elapsed: number): Float64Array {
    const c = this.parameters.complaints;
    const survivalAt = (days: number) =>
      days <= 0
        ? 1
        : 1 - normalCdf((Math.log(days * 24) - Math.log(c.resolutionMedianHours)) / c.resolutionSigma);
    const stillOpen = c.neverResolvedShare + (1 - c.neverResolvedShare) * survivalAt(elapsed);
    const cells = this.horizonDays * cellsPerDay;
    const masses = new Float64Array(cells);
    let previous = survivalAt(elapsed);
    for (let k = 0; k < cells; k++) {
      const next = survivalAt(elapsed + (k + 1) / cellsPerDay);
      masses[k] = ((1 - c.neverResolvedShare) * (previous - next)) / stillOpen;
      previous = next;
    }
    return masses;
  }

  /**
   * E[e^{−k·B(v)}] at the ages v = firstAge + j·ageStep (days since the end for an open complaint, since
   * filing for a fresh one), k = m·g, where B is openHazard until the resolution R more days on and the
   * residual hazard for the total duration after it. Split by residual class so that one pass suffices:
   * E(v) = P(R > v)·e^{−k·o·v} + Σ_class e^{−k·res·v} · Σ_{R<v} P(R)·e^{−k(o−res)R}, R at cell midpoints;
   * the exponentials advance by constant ratios because ages and cells are evenly spaced.
   */
  private complaintFactors(
    k: number,
    elapsed: number,
    masses: Float64Array,
    firstAge: number,
    ageStep: number,
    count: number,
  ): Float64Array {
    const p = this.parameters;
    const open = p.complaints.openHazard;
    const [quick, medium, slow] = residualEffects(p);
    const width = 1 / cellsPerDay;
    const out = new Float64Array(count);
    // Σ_{R<v} P(R)·e^{−k(o−res)R} per class, and e^{−k(o−res)R} at the next cell's midpoint.
    let partialQuick = 0;
    let partialMedium = 0;
    let partialSlow = 0;
    let cellQuick = Math.exp(-k * (open - quick) * 0.5 * width);
    let cellMedium = Math.exp(-k * (open - medium) * 0.5 * width);
    let cellSlow = Math.exp(-k * (open - slow) * 0.5 * width);
    const cellQuickStep = Math.exp(-k * (open - quick) * width);
    const cellMediumStep = Math.exp(-k * (open - medium) * width);
    const cellSlowStep = Math.exp(-k * (open - slow) * width);
    let ageOpen = Math.exp(-k * open * firstAge);
    let ageQuick = Math.exp(-k * quick * firstAge);
    let ageMedium = Math.exp(-k * medium * firstAge);
    let ageSlow = Math.exp(-k * slow * firstAge);
    const ageOpenStep = Math.exp(-k * open * ageStep);
    const ageQuickStep = Math.exp(-k * quick * ageStep);
    const ageMediumStep = Math.exp(-k * medium * ageStep);
    const ageSlowStep = Math.exp(-k * slow * ageStep);
    let resolvedMass = 0;
    let cell = 0;
    for (let j = 0; j < count; j++) {
      const age = firstAge + j * ageStep;
      for (; cell < masses.length && (cell + 0.5) * width < age; cell++) {
        const mass = masses[cell] ?? 0;
        const kind = residualClass(elapsed + (cell + 0.5) * width, p);
        if (kind === 0) partialQuick += mass * cellQuick;
        else if (kind === 1) partialMedium += mass * cellMedium;
        else partialSlow += mass * cellSlow;
        resolvedMass += mass;
        cellQuick *= cellQuickStep;
        cellMedium *= cellMediumStep;
        cellSlow *= cellSlowStep;
      }
      out[j] =
        Math.max(0, 1 - resolvedMass) * ageOpen +
        ageQuick * partialQuick +
        ageMedium * partialMedium +
        ageSlow * partialSlow;
      ageOpen *= ageOpenStep;
      ageQuick *= ageQuickStep;
      ageMedium *= ageMediumStep;
      ageSlow *= ageSlowStep;
    }
    return out;
  }

  /**
   * Multiplies by E[Π e^{−m·B_j(u)}] over complaints not yet filed about recent orders. They form a
   * Poisson process of intensity κ(w), so by the probability generating functional the expectation is
   * exp(−∫₀ᵘ κ(w)(1 − M(u − w)) dw), M(v) the expected factor of a fresh complaint of age v.
   */
  private multiplyPendingComplaints(
    term: Float64Array,
    m: number,
    windows: readonly { until: number; intensity: number }[],
  ): void {
    const p = this.parameters;
    const cells = this.horizonDays * cellsPerDay;
    // M at ages (j + 0.5)/cellsPerDay, j = 0..cells − 1, averaged over severities.
    const fresh = new Float64Array(cells);
    p.complaints.severityProbabilities.forEach((probability, index) => {
      const k = m * severityEffect(index + 1, p);
      const factors = this.complaintFactors(
        k,
        0,
        this.freshMasses,
        0.5 / cellsPerDay,
        1 / cellsPerDay,
        cells,
      );
      for (let j = 0; j < cells; j++) fresh[j] = (fresh[j] ?? 0) + probability * (factors[j] ?? 1);
    });
    const width = 1 / cellsPerDay;
    const maxWindow = windows.reduce((longest, w) => Math.max(longest, w.until), 0);
    const filingCells = Math.ceil(maxWindow * cellsPerDay);
    const intensity = new Float64Array(filingCells);
    for (let j = 0; j < filingCells; j++) {
      const w = (j + 0.5) * width;
      for (const window of windows)
        if (w < window.until) intensity[j] = (intensity[j] ?? 0) + window.intensity;
    }
    for (let day = 1; day <= this.horizonDays; day++) {
      let integral = 0;
      const upTo = Math.min(filingCells, day * cellsPerDay);
      for (let j = 0; j < upTo; j++) {
        // Age of a complaint filed in cell j when seen at `day`: (day·cellsPerDay − j − 0.5) cells.
        integral += (intensity[j] ?? 0) * (1 - (fresh[day * cellsPerDay - j - 1] ?? 1)) * width;
      }
      term[day] = (term[day] ?? 0) * Math.exp(-integral);
    }
  }

  /** Multiplies by 1 − q + q·E_W[e^{−k(u − W)⁺}] for a return still possible, W ~ Uniform(from, to). */
  private multiplyPendingReturn(
    term: Float64Array,
    k: number,
    probability: number,
    from: number,
    to: number,
  ): void {
    const span = to - from;
    for (let day = 1; day <= this.horizonDays; day++) {
      if (day <= from) continue;
      const upper = Math.min(day, to);
      // ∫_from^upper e^{−k(day − w)} dw plus the part of the window still ahead (factor 1).
      const before =
        k > 1e-12 ? (Math.exp(-k * (day - upper)) - Math.exp(-k * (day - from))) / k : upper - from;
      const expectation = (before + Math.max(0, to - day)) / span;
      term[day] = (term[day] ?? 0) * (1 - probability + probability * expectation);
    }
  }
}

const models = new Map<string, PosteriorModel>();

/**
 * Convenience wrapper around `PosteriorModel` for one history; models are cached per end date and
 * window, because building the seasonal clock is the expensive part.
 */
export function posteriorChurnProbability(
  history: CustomerHistory,
  options: PosteriorOptions,
): ChurnPosterior {
  if (options.parameters && options.parameters !== demoParameters)
    return new PosteriorModel(options).evaluate(history);
  const key = `${options.end}|${options.horizonDays ?? 90}|${options.coverYears ?? 20}`;
  let model = models.get(key);
  if (!model) {
    model = new PosteriorModel(options);
    models.set(key, model);
  }
  return model.evaluate(history);
}
