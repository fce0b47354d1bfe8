import { describe, expect, it } from 'vitest';
import { fitSbg, sbgLogLikelihood, sbgSurvival } from './shiftedBetaGeometric.ts';

// Fader & Hardie (2007), "How to project customer retention", Journal of Interactive Marketing
// 21(1), table 1 and the fits in section 4: survivors of 1,000 customers over years 0–7.
const HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491];
const REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241];

describe('shifted-beta-geometric', () => {
  it('reproduces the published parameters on the high-end segment (α 0.668, β 3.806)', () => {
    const fit = fitSbg([{ survivors: HIGH_END }]);
    expect(fit?.params.alpha).toBeCloseTo(0.668, 3);
    expect(fit?.params.beta).toBeCloseTo(3.806, 3);
  });

  it('reproduces the published parameters on the regular segment (α 0.704, β 1.182)', () => {
    const fit = fitSbg([{ survivors: REGULAR }]);
    expect(fit?.params.alpha).toBeCloseTo(0.704, 3);
    expect(fit?.params.beta).toBeCloseTo(1.182, 3);
  });

  it('fits the paper on the first seven years and projects the seventh within the published error', () => {
    // The paper fits years 1–7 and reports projections that stay within a few customers.
    const fit = fitSbg([{ survivors: REGULAR.slice(0, 5) }]);
    if (!fit) throw new Error('no fit');
    const projected = sbgSurvival(fit.params, 7).map((s) => s * 1000);
    expect(Math.abs((projected[7] ?? 0) - 241)).toBeLessThan(20);
  });

  it('survival telescopes: S(1) = β / (α + β), S(2) = S(1)(β + 1)/(α + β + 1)', () => {
    const s = sbgSurvival({ alpha: 2, beta: 3 }, 2);
    expect(s[0]).toBe(1);
    expect(s[1]).toBeCloseTo(3 / 5, 14);
    expect(s[2]).toBeCloseTo((3 / 5) * (4 / 6), 14);
  });

  it('the maximum is a maximum: nearby parameters are less likely', () => {
    const curves = [{ survivors: HIGH_END }];
    const fit = fitSbg(curves);
    if (!fit) throw new Error('no fit');
    const at = fit.logLikelihood;
    for (const [da, db] of [
      [0.01, 0],
      [-0.01, 0],
      [0, 0.05],
      [0, -0.05],
    ] as const) {
      const nearby = sbgLogLikelihood({ alpha: fit.params.alpha + da, beta: fit.params.beta + db }, curves);
      expect(nearby).toBeLessThan(at);
    }
    expect(fit.covariance?.[0]?.[0]).toBeGreaterThan(0);
  });

  it('pools curves (two copies fit as one) and skips those with no complete period', () => {
    const pooled = fitSbg([{ survivors: HIGH_END }, { survivors: HIGH_END }, { survivors: [50] }]);
    const alone = fitSbg([{ survivors: HIGH_END }]);
    expect(pooled?.params.alpha).toBeCloseTo(alone?.params.alpha ?? 0, 3);
    expect(pooled?.params.beta).toBeCloseTo(alone?.params.beta ?? 0, 2);
    // Twice the customers: half the variance.
    expect(pooled?.covariance?.[0]?.[0]).toBeCloseTo((alone?.covariance?.[0]?.[0] ?? 0) / 2, 3);
    expect(fitSbg([{ survivors: [50] }])).toBeNull();
  });
});
