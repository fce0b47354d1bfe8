import type { Effect } from '@retain/schemas';

/*
 * Treated against control, as a retention team reads it: retention (any order within the horizon)
 * and revenue per customer in each group, their difference with a 95 % interval, and what that
 * comes to over the treated customers. Pure functions over group totals.
 */

const Z95 = 1.959963984540054;

/** One group's totals: customers, those retained, and the sum and sum of squares of their revenue. */
export interface ArmTotals {
  customers: number;
  retained: number;
  revenue: number;
  revenueSquares: number;
}

export const emptyArm = (): ArmTotals => ({ customers: 0, retained: 0, revenue: 0, revenueSquares: 0 });

export function addArm(a: ArmTotals, b: ArmTotals): ArmTotals {
  return {
    customers: a.customers + b.customers,
    retained: a.retained + b.retained,
    revenue: a.revenue + b.revenue,
    revenueSquares: a.revenueSquares + b.revenueSquares,
  };
}

function wilson(successes: number, trials: number): { low: number; high: number } {
  const p = successes / trials;
  const z2 = Z95 * Z95;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (Z95 * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Mean and the variance of the mean of a group's revenue. */
function revenueMoments(arm: ArmTotals): { mean: number; varianceOfMean: number } {
  const n = arm.customers;
  const mean = arm.revenue / n;
  const variance = n > 1 ? Math.max(0, (arm.revenueSquares - n * mean * mean) / (n - 1)) : 0;
  return { mean, varianceOfMean: variance / n };
}

/**
 * One list: the difference in retention with Newcombe's hybrid score interval (method 10; it keeps
 * its coverage with small groups and rates near 0 or 1, where the plain normal interval does not),
 * revenue per customer by Welch's interval. Null when either group is empty.
 */
export function listEffect(treated: ArmTotals, control: ArmTotals): Effect | null {
  if (treated.customers === 0 || control.customers === 0) return null;
  const pt = treated.retained / treated.customers;
  const pc = control.retained / control.customers;
  const wt = wilson(treated.retained, treated.customers);
  const wc = wilson(control.retained, control.customers);
  const difference = pt - pc;
  const lower = difference - Math.sqrt((pt - wt.low) ** 2 + (wc.high - pc) ** 2);
  const upper = difference + Math.sqrt((wt.high - pt) ** 2 + (pc - wc.low) ** 2);
  const rt = revenueMoments(treated);
  const rc = revenueMoments(control);
  const revenueDifference = rt.mean - rc.mean;
  const revenueHalf = Z95 * Math.sqrt(rt.varianceOfMean + rc.varianceOfMean);
  return effect(
    treated,
    control,
    pt,
    pc,
    difference,
    lower,
    upper,
    rt.mean,
    rc.mean,
    revenueDifference,
    revenueHalf,
  );
}

function effect(
  treated: ArmTotals,
  control: ArmTotals,
  treatedRate: number,
  controlRate: number,
  difference: number,
  lower: number,
  upper: number,
  treatedRevenue: number,
  controlRevenue: number,
  revenueDifference: number,
  revenueHalf: number,
): Effect {
  const n = treated.customers;
  return {
    treatedRate,
    controlRate,
    difference,
    lower,
    upper,
    customersSaved: difference * n,
    customersSavedLower: lower * n,
    customersSavedUpper: upper * n,
    treatedRevenuePerCustomer: treatedRevenue,
    controlRevenuePerCustomer: controlRevenue,
    revenueSaved: revenueDifference * n,
    revenueSavedLower: (revenueDifference - revenueHalf) * n,
    revenueSavedUpper: (revenueDifference + revenueHalf) * n,
    treatedCustomers: n,
    controlCustomers: control.customers,
    conclusive: lower > 0 || upper < 0,
  };
}

/**
 * Several lists pooled: each list's difference weighted by its treated customers (so the pooled
 * difference is customers saved over customers called), variances added with the same weights;
 * each group's variance is read with one retained and one lost customer added (Agresti–Caffo), so
 * that a list where everyone or nobody ordered does not claim to be exact. The pooled control rate
 * is the treated rate less the difference: the control groups' retention at the treated's mix of
 * lists.
 */
export function pooledEffect(
  lists: ReadonlyArray<{ treated: ArmTotals; control: ArmTotals }>,
): Effect | null {
  const usable = lists.filter((l) => l.treated.customers > 0 && l.control.customers > 0);
  if (usable.length === 0) return null;
  const total = usable.reduce((sum, l) => sum + l.treated.customers, 0);
  let difference = 0;
  let variance = 0;
  let revenueDifference = 0;
  let revenueVariance = 0;
  let treated = emptyArm();
  let control = emptyArm();
  for (const l of usable) {
    const w = l.treated.customers / total;
    const pt = l.treated.retained / l.treated.customers;
    const pc = l.control.retained / l.control.customers;
    const at = (l.treated.retained + 1) / (l.treated.customers + 2);
    const ac = (l.control.retained + 1) / (l.control.customers + 2);
    difference += w * (pt - pc);
    variance +=
      w * w * ((at * (1 - at)) / (l.treated.customers + 2) + (ac * (1 - ac)) / (l.control.customers + 2));
    const rt = revenueMoments(l.treated);
    const rc = revenueMoments(l.control);
    revenueDifference += w * (rt.mean - rc.mean);
    revenueVariance += w * w * (rt.varianceOfMean + rc.varianceOfMean);
    treated = addArm(treated, l.treated);
    control = addArm(control, l.control);
  }
  const half = Z95 * Math.sqrt(variance);
  const treatedRate = treated.retained / treated.customers;
  const treatedRevenue = treated.revenue / treated.customers;
  return effect(
    treated,
    control,
    treatedRate,
    treatedRate - difference,
    difference,
    difference - half,
    difference + half,
    treatedRevenue,
    treatedRevenue - revenueDifference,
    revenueDifference,
    Z95 * Math.sqrt(revenueVariance),
  );
}
