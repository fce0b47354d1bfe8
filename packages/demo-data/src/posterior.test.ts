import { describe, expect, it } from 'vitest';
import { msPerDay } from './calendar.ts';
import { type DemoParameters, demoParameters } from './parameters.ts';
import { type CustomerHistory, PosteriorModel, posteriorChurnProbability } from './posterior.ts';
import { Random } from './random.ts';

/** The demo process without seasonality, so that checks can use plain exponential formulas. */
const flat: DemoParameters = {
  ...demoParameters,
  seasonality: {
    monthFactors: Array(12).fill(1),
    weekdayFactors: Array(7).fill(1),
    hourFactors: Array(24).fill(1),
    blackFriday: 1,
    cyberWeekend: 1,
    christmasEve: 1,
    christmasDay: 1,
    boxingDay: 1,
    newYearsDay: 1,
  },
};

const end = '2026-09-30';
const endMs = Date.UTC(2026, 9, 1);
const daysBeforeEnd = (days: number) => endMs - days * msPerDay;
const line = { category: 'Books', amount: 20 };

function history(orderAges: readonly number[], extra: Partial<CustomerHistory> = {}): CustomerHistory {
  return {
    channel: 'web',
    region: 'East',
    orders: orderAges.map((age) => ({
      at: daysBeforeEnd(age),
      channel: 'web',
      lines: [line],
      returnedAt: null,
    })),
    complaints: [],
    ...extra,
  };
}

/**
 * Pareto/NBD with constant rates, integrated over a log-spaced (λ, μ) grid: an implementation of the
 * posterior that shares no code with PosteriorModel.
 */
function bruteForceChurn(age: number, repeats: number, recency: number, horizon: number): number {
  const { shape: r, rate: alpha } = flat.purchaseRate;
  const { shape: s, rate: beta } = flat.dropout;
  const steps = 500;
  const logGrid = (lo: number, hi: number) =>
    Array.from({ length: steps }, (_, i) =>
      Math.exp(Math.log(lo) + ((Math.log(hi) - Math.log(lo)) * i) / (steps - 1)),
    );
  const lambdas = logGrid(1e-7, 2);
  const mus = logGrid(1e-8, 0.5);
  const t = age - recency;
  let churn = 0;
  let total = 0;
  for (const lambda of lambdas) {
    // Prior density times λ (the Jacobian of the log grid), times the likelihood factor λ^x.
    const lambdaWeight = Math.exp(r * Math.log(lambda) - alpha * lambda + repeats * Math.log(lambda));
    for (const mu of mus) {
      const weight = lambdaWeight * Math.exp(s * Math.log(mu) - beta * mu);
      const both = lambda + mu;
      const alive = Math.exp(-both * age);
      const dead = (mu / both) * (Math.exp(-both * t) - Math.exp(-both * age));
      const noOrderIfAlive = mu / both + (lambda / both) * Math.exp(-both * horizon);
      churn += weight * (dead + alive * noOrderIfAlive);
      total += weight * (dead + alive);
    }
  }
  return churn / total;
}

describe('PosteriorModel', () => {
  const model = new PosteriorModel({ end, parameters: flat, coverYears: 4 });

  it('matches a brute-force Pareto/NBD integral when nothing but orders happened', () => {
    const cases = [
      { ages: [400], repeats: 0, recency: 400 },
      { ages: [700, 500, 300, 200], repeats: 3, recency: 200 },
      { ages: [300, 250, 200, 150, 100, 60, 30, 10], repeats: 7, recency: 10 },
      { ages: [900, 880, 860, 840, 820, 800], repeats: 5, recency: 800 },
    ];
    for (const { ages, repeats, recency } of cases) {
      const expected = bruteForceChurn(ages[0] ?? 0, repeats, recency, 90);
      const actual = model.evaluate(history(ages)).churnProbability;
      expect(Math.abs(actual - expected)).toBeLessThan(2e-3);
    }
  });

  it('agrees with a Monte Carlo simulation of the window when complaints and returns are pending', () => {
    const apparel = { category: 'Apparel', amount: 400 };
    const observed: CustomerHistory = {
      channel: 'marketplace',
      region: 'South',
      orders: [
        { at: daysBeforeEnd(200), channel: 'web', lines: [line], returnedAt: null },
        { at: daysBeforeEnd(3), channel: 'marketplace', lines: [apparel, apparel], returnedAt: null },
      ],
      complaints: [{ openedAt: daysBeforeEnd(1.5), resolvedAt: null, severity: 4 }],
    };
    const posterior = model.evaluate(observed);
    const simulated = simulateWindowIfAlive(observed, 200, 200_000);
    expect(Math.abs(posterior.orderProbabilityIfAlive - simulated)).toBeLessThan(6e-3);
  });

  it('rises with an unresolved complaint and with a long silence', () => {
    const base = model.evaluate(history([300, 200, 100, 40])).churnProbability;
    const complained = model.evaluate(
      history([300, 200, 100, 40], {
        complaints: [{ openedAt: daysBeforeEnd(35), resolvedAt: null, severity: 3 }],
      }),
    ).churnProbability;
    const silent = model.evaluate(history([500, 400, 300, 240])).churnProbability;
    expect(complained).toBeGreaterThan(base + 0.05);
    expect(silent).toBeGreaterThan(base);
  });

  it('keeps the quadrature error small under the real, hourly seasonality', () => {
    const coarse = new PosteriorModel({ end, coverYears: 4 });
    const fine = new PosteriorModel({ end, coverYears: 4 });
    fine.stepLimitDays = 0.05;
    const histories = [
      history([700]),
      history([30, 29.6, 29.2, 20]),
      history([400, 350, 300, 290, 120], {
        complaints: [{ openedAt: daysBeforeEnd(118), resolvedAt: daysBeforeEnd(100), severity: 2 }],
      }),
      history([1000, 800, 600, 400, 200, 100, 50, 25, 12, 6, 3]),
    ];
    for (const observed of histories) {
      const difference =
        coarse.evaluate(observed).churnProbability - fine.evaluate(observed).churnProbability;
      expect(Math.abs(difference)).toBeLessThan(3e-3);
    }
  });

  it('is cached by the convenience wrapper and rejects empty histories', () => {
    const first = posteriorChurnProbability(history([100, 50]), { end });
    const again = posteriorChurnProbability(history([100, 50]), { end });
    expect(again).toEqual(first);
    expect(first.churnProbability).toBeGreaterThan(0);
    expect(first.churnProbability).toBeLessThan(1);
    expect(() => model.evaluate(history([]))).toThrow(/at least one order/);
  });
});

/**
 * P(an order in the 90 days after the end | alive at the end) by direct simulation of the flat
 * process: λ and μ̃ from their posteriors given alive, the open complaint's remaining resolution time,
 * the Poisson complaints and the possible return of the recent order, then death against the first order.
 */
function simulateWindowIfAlive(observed: CustomerHistory, age: number, draws: number): number {
  const p = flat;
  const random = new Random(7, 0);
  const effects = { purchase: 0.75 * 0.95, dropout: 1.5 * 1.1 };
  const r = p.purchaseRate.shape + observed.orders.length - 1;
  const alphaEnd = p.purchaseRate.rate / effects.purchase + age;
  const m = effects.dropout;
  const betaEnd = p.dropout.rate + m * age;
  const c = p.complaints;
  const g = (severity: number) => c.severityEffects[severity - 1] ?? 1;
  const residual = (days: number) =>
    days <= c.quickDays ? c.residualQuick : days <= c.slowDays ? c.residualMedium : c.residualSlow;
  const resolutionDays = () =>
    random.bernoulli(c.neverResolvedShare)
      ? Number.POSITIVE_INFINITY
      : Math.exp(Math.log(c.resolutionMedianHours) + c.resolutionSigma * random.normal()) / 24;
  // Recent order: 3 days old, marketplace, two apparel lines of 400.
  const rho = Math.min(c.maxRate, c.base * (800 / c.referenceValue) ** c.valueElasticity * 1 * 1.5);
  const returnBase = 1 - (1 - 0.12) ** 2;
  const stillPossible = (30 - 3) / 29;
  const returnLater = (returnBase * stillPossible) / (1 - returnBase + returnBase * stillPossible);

  let ordered = 0;
  for (let draw = 0; draw < draws; draw++) {
    const lambda = random.gamma(r) / alphaEnd;
    const mu = random.gamma(p.dropout.shape) / betaEnd;
    // Bumps as [start, end, hazard], in days after the end of the history.
    const bumps: [number, number, number][] = [];
    const addComplaint = (opened: number, duration: number, severity: number, elapsed: number) => {
      bumps.push([opened, opened + duration - elapsed, g(severity) * c.openHazard]);
      if (Number.isFinite(duration)) {
        const resolved = opened + duration - elapsed;
        bumps.push([resolved, resolved + c.residualDays, g(severity) * residual(duration)]);
      }
    };
    // The open complaint (opened 1.5 days ago, severity 4): resolution time given it is still open.
    let duration = resolutionDays();
    while (duration <= 1.5) duration = resolutionDays();
    addComplaint(0, duration, 4, 1.5);
    const complaintsToCome = random.poisson((rho * (c.maxDelayDays - 3)) / c.maxDelayDays);
    for (let k = 0; k < complaintsToCome; k++) {
      const opened = random.uniform() * (c.maxDelayDays - 3);
      const severity = 1 + random.pickCumulative([0.35, 0.7, 0.9, 1]);
      addComplaint(opened, resolutionDays(), severity, 0);
    }
    if (random.bernoulli(returnLater)) {
      const returned = random.uniform() * 27;
      bumps.push([returned, returned + p.returns.hazardDays, p.returns.hazard]);
    }
    const firstOrder = random.exponential() / lambda;
    if (firstOrder > 90) continue;
    let cumulative = mu * firstOrder;
    for (const [start, stop, hazard] of bumps) {
      cumulative += hazard * Math.max(0, Math.min(stop, firstOrder) - start);
    }
    if (random.exponential() > m * cumulative) ordered++;
  }
  return ordered / draws;
}
