import type { Channel, DemoParameters, ProductCategory } from './parameters.ts';

/**
 * What an order sets in motion: its complaint rate and return probability, and the dropout hazards
 * that complaints and returns add. Kept apart from the simulator because the posterior must apply
 * exactly the same formulas to an observed history.
 */

function channelValue<T>(table: Readonly<Record<Channel, T>>, channel: string, fallback: T): T {
  return Object.hasOwn(table, channel) ? table[channel as Channel] : fallback;
}

function categoryValue(table: Readonly<Record<ProductCategory, number>>, category: string, fallback: number) {
  return Object.hasOwn(table, category) ? table[category as ProductCategory] : fallback;
}

/**
 * Expected number of complaints an order yields (the mean of its Poisson count):
 * ρ = min(maxRate, base · (value / referenceValue)^valueElasticity · max category factor · channel factor).
 */
export function complaintRate(
  value: number,
  categories: readonly string[],
  channel: string,
  parameters: DemoParameters,
): number {
  const p = parameters.complaints;
  let categoryFactor = 0;
  for (const category of categories) {
    categoryFactor = Math.max(categoryFactor, categoryValue(p.categoryFactors, category, 1));
  }
  return complaintRateFromFactors(
    value,
    categoryFactor,
    channelValue(p.channelFactors, channel, 1),
    parameters,
  );
}

/** `complaintRate` from the order's largest category factor and its channel factor (the simulator's fast path). */
export function complaintRateFromFactors(
  value: number,
  categoryFactor: number,
  channelFactor: number,
  parameters: DemoParameters,
): number {
  const p = parameters.complaints;
  const valueFactor = (Math.max(value, 0.01) / p.referenceValue) ** p.valueElasticity;
  return Math.min(p.maxRate, p.base * valueFactor * categoryFactor * channelFactor);
}

/** Probability that an order is returned: min(maxProbability, 1 − Π over lines of (1 − p_category)). */
export function returnProbability(categories: readonly string[], parameters: DemoParameters): number {
  let keep = 1;
  for (const category of categories)
    keep *= 1 - categoryValue(parameters.returns.lineProbabilities, category, 0);
  return returnProbabilityFromKeep(keep, parameters);
}

/** `returnProbability` from Π (1 − p_category) over the lines (the simulator's fast path). */
export function returnProbabilityFromKeep(keep: number, parameters: DemoParameters): number {
  return Math.min(parameters.returns.maxProbability, 1 - keep);
}

/** g(σ): how strongly a complaint of severity 1..4 adds to the hazard. */
export function severityEffect(severity: number, parameters: DemoParameters): number {
  const effects = parameters.complaints.severityEffects;
  const index = Math.min(effects.length, Math.max(1, Math.round(severity))) - 1;
  return effects[index] ?? 1;
}

/** Which residual hazard a resolved complaint leaves: 0 quick (≤ quickDays), 1 medium (≤ slowDays), 2 slow. */
export function residualClass(resolutionDays: number, parameters: DemoParameters): 0 | 1 | 2 {
  const p = parameters.complaints;
  if (resolutionDays <= p.quickDays) return 0;
  if (resolutionDays <= p.slowDays) return 1;
  return 2;
}

/** The hazard left after resolution per residual class, before the severity factor. */
export function residualEffects(parameters: DemoParameters): readonly [number, number, number] {
  const p = parameters.complaints;
  return [p.residualQuick, p.residualMedium, p.residualSlow];
}

/** The hazard that remains after a complaint is resolved, by how long resolution took (days). */
export function residualEffect(resolutionDays: number, parameters: DemoParameters): number {
  return residualEffects(parameters)[residualClass(resolutionDays, parameters)];
}

/**
 * The added dropout hazard A(t) = Σ bumps active at t: piecewise constant, each bump active on
 * [start, end). A customer's dropout hazard is m·(μ̃ + A(t)); adding rather than multiplying makes a
 * complaint equally dangerous to loyal and fickle customers (competing risks) and keeps μ̃'s posterior
 * a Gamma distribution.
 */
export class HazardBumps {
  // Parallel arrays valid up to `size`; never shrunk, so one instance serves every customer.
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly values: number[] = [];
  private count = 0;

  clear(): void {
    this.count = 0;
  }

  get size(): number {
    return this.count;
  }

  add(start: number, end: number, value: number): void {
    if (!(end > start) || value === 0) return;
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.values[this.count] = value;
    this.count++;
  }

  /**
   * Hazards of a complaint opened at `openedAt` and resolved at `resolvedAt` (Infinity: never):
   * g·openHazard while open, then g·residual for residualDays.
   */
  addComplaint(openedAt: number, resolvedAt: number, severity: number, parameters: DemoParameters): void {
    const g = severityEffect(severity, parameters);
    const p = parameters.complaints;
    this.add(openedAt, resolvedAt, g * p.openHazard);
    if (Number.isFinite(resolvedAt)) {
      const residual = g * residualEffect(resolvedAt - openedAt, parameters);
      this.add(resolvedAt, resolvedAt + p.residualDays, residual);
    }
  }

  addReturn(returnedAt: number, parameters: DemoParameters): void {
    this.add(returnedAt, returnedAt + parameters.returns.hazardDays, parameters.returns.hazard);
  }

  /** A(t) = Σ bumps active at t. */
  at(t: number): number {
    let h = 0;
    for (let i = 0; i < this.count; i++) {
      if ((this.starts[i] ?? 0) <= t && t < (this.ends[i] ?? 0)) h += this.values[i] ?? 0;
    }
    return h;
  }

  /** ∫ₐᵇ A(t) dt. */
  integral(a: number, b: number): number {
    let sum = 0;
    for (let i = 0; i < this.count; i++) {
      const lo = Math.max(a, this.starts[i] ?? 0);
      const hi = Math.min(b, this.ends[i] ?? 0);
      if (hi > lo) sum += (this.values[i] ?? 0) * (hi - lo);
    }
    return sum;
  }

  /** The first time after t at which A changes, or Infinity. */
  nextChangeAfter(t: number): number {
    let next = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.count; i++) {
      const start = this.starts[i] ?? 0;
      const end = this.ends[i] ?? 0;
      if (start > t && start < next) next = start;
      if (end > t && end < next) next = end;
    }
    return next;
  }

  /** All change points strictly inside (a, b), sorted. */
  changesWithin(a: number, b: number): number[] {
    const points: number[] = [];
    for (let i = 0; i < this.count; i++) {
      const start = this.starts[i] ?? 0;
      const end = this.ends[i] ?? 0;
      if (start > a && start < b) points.push(start);
      if (end > a && end < b) points.push(end);
    }
    return points.sort((x, y) => x - y);
  }

  /** Forgets bumps that ended at or before t; they can no longer change A. */
  dropEndedBefore(t: number): void {
    let kept = 0;
    for (let i = 0; i < this.count; i++) {
      const end = this.ends[i] ?? 0;
      if (end <= t) continue;
      this.starts[kept] = this.starts[i] ?? 0;
      this.ends[kept] = end;
      this.values[kept] = this.values[i] ?? 0;
      kept++;
    }
    this.count = kept;
  }
}
