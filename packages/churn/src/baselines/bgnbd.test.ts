import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  bgnbdAliveProbability,
  bgnbdExpectedPurchases,
  bgnbdLogLikelihood,
  bgnbdNoPurchaseProbability,
  fitBgNbd,
  logGamma,
} from './bgnbd.ts';

const SUMMARY = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../../shared/data/cdnow/cdnow_customers_summary.csv',
);
const haveCdnow = fs.existsSync(SUMMARY);
if (!haveCdnow)
  console.warn(`skipping the CDNOW BG/NBD checks: ${SUMMARY} is absent (../shared/data is not checked out)`);

/** Fader, Hardie & Lee (2005): the published estimates on the CDNOW sample, time in weeks. */
const PUBLISHED = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

function readSummary() {
  const lines = fs.readFileSync(SUMMARY, 'utf8').trim().split(/\r?\n/).slice(1);
  const x: number[] = [];
  const tx: number[] = [];
  const T: number[] = [];
  for (const line of lines) {
    const [, frequency, recency, age] = line.split(',').map(Number);
    x.push(frequency ?? 0);
    tx.push(recency ?? 0);
    T.push(age ?? 0);
  }
  return { x, tx, T };
}

describe.skipIf(!haveCdnow)('BG/NBD on the CDNOW summary', () => {
  it('has log-likelihood ≈ −9582.4 at the published parameters', () => {
    expect(bgnbdLogLikelihood(PUBLISHED, readSummary())).toBeCloseTo(-9582.4, 0);
  });

  it('reproduces the published parameters within 1 % by maximum likelihood', () => {
    const fit = fitBgNbd(readSummary());
    for (const key of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Math.abs(fit.params[key] / PUBLISHED[key] - 1), key).toBeLessThan(0.01);
    }
    expect(fit.logLikelihood).toBeCloseTo(-9582.4, 0);
  });
});

describe('BG/NBD formulas', () => {
  const params = { r: 0.5, alpha: 5, a: 0.8, b: 2.5 };

  it('lnΓ matches known values', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
  });

  it('a customer with no repeat purchase is alive for sure; a long silence lowers P(alive)', () => {
    expect(bgnbdAliveProbability(params, 0, 0, 30)).toBe(1);
    const recent = bgnbdAliveProbability(params, 4, 29, 30);
    const silent = bgnbdAliveProbability(params, 4, 5, 30);
    expect(recent).toBeGreaterThan(silent);
  });

  it('P(no purchase in t) = (1 − P(alive)) + P(alive)·((α + T)/(α + T + t))^(r + x)', () => {
    const alive = bgnbdAliveProbability(params, 3, 10, 20);
    const expected = 1 - alive + alive * ((5 + 20) / (5 + 20 + 13)) ** 3.5;
    expect(bgnbdNoPurchaseProbability(params, 3, 10, 20, 13)).toBeCloseTo(expected, 12);
    // One-time buyers are not "safe": they too may well not buy in the horizon.
    expect(bgnbdNoPurchaseProbability(params, 0, 0, 20, 13)).toBeCloseTo((25 / 38) ** 0.5, 12);
  });

  it('expected purchases grow with the horizon', () => {
    const short = bgnbdExpectedPurchases(params, 3, 10, 20, 10);
    const long = bgnbdExpectedPurchases(params, 3, 10, 20, 40);
    expect(short).toBeGreaterThan(0);
    expect(long).toBeGreaterThan(short);
  });
});
