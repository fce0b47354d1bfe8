import type { Effect, UpliftEvaluation } from '@retain/schemas';
import { describe, expect, it } from 'vitest';
import { setMoneyCurrency } from '../format.ts';
import {
  customersSavedText,
  decileRows,
  differenceText,
  qiniRows,
  revenueSavedText,
  verdict,
} from './programView.ts';

const effect: Effect = {
  treatedRate: 0.244,
  controlRate: 0.223,
  difference: 0.021,
  lower: -0.006,
  upper: 0.049,
  customersSaved: 100.4,
  customersSavedLower: -26.2,
  customersSavedUpper: 226.1,
  treatedRevenuePerCustomer: 80,
  controlRevenuePerCustomer: 70,
  revenueSaved: 45_420,
  revenueSavedLower: -78_542,
  revenueSavedUpper: 169_382,
  treatedCustomers: 4_644,
  controlCustomers: 1_134,
  conclusive: false,
};

const qini = (gains: number[], coefficient: number) => ({
  points: gains.map((gain, i) => ({ share: i / (gains.length - 1), gain })),
  coefficient,
  topDeciles: [
    { share: 0.1, uplift: 0.2 },
    { share: 0.2, uplift: 0.1 },
    { share: 0.3, uplift: null },
  ],
});

describe('program view', () => {
  it('words a difference, what it saved and whether it can be told from noise', () => {
    setMoneyCurrency('USD');
    expect(differenceText(effect)).toBe('+2.1 pp (-0.6 pp to +4.9 pp)');
    expect(customersSavedText(effect)).toBe('100 (-26 to 226)');
    expect(revenueSavedText(effect)).toBe('$45,420 (-$78,542 to $169,382)');
    expect(verdict(effect)).toMatch(/^The difference cannot be told from noise yet/);
    expect(verdict({ ...effect, lower: 0.01, conclusive: true })).toMatch(
      /^Calls kept more customers: \+2.1 pp/,
    );
  });

  it('puts the three rankings’ Qini curves and random targeting on one share axis', () => {
    const evaluation: UpliftEvaluation = {
      trainLists: ['a'],
      testLists: ['b'],
      trainCustomers: 10,
      testCustomers: 5,
      uplift: qini([0, 0.03, 0.02], 0.011),
      churnProbability: qini([0, -0.01, 0.02], -0.004),
      valueAtRisk: qini([0, 0, 0.02], 0.001),
    };
    expect(qiniRows(evaluation)).toEqual([
      { share: 0, random: 0, uplift: 0, churnProbability: 0, valueAtRisk: 0 },
      { share: 50, random: 0.01, uplift: 0.03, churnProbability: -0.01, valueAtRisk: 0 },
      { share: 100, random: 0.02, uplift: 0.02, churnProbability: 0.02, valueAtRisk: 0.02 },
    ]);
    expect(decileRows(evaluation).map((r) => [r.ranking, r.qini, r.top10, r.top30])).toEqual([
      ['Uplift model', 0.011, 0.2, null],
      ['Churn probability', -0.004, 0.2, null],
      ['Value at risk', 0.001, 0.2, null],
    ]);
  });
});
