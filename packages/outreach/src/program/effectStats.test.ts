import { describe, expect, it } from 'vitest';
import { type ArmTotals, listEffect, pooledEffect } from './effectStats.ts';

const arm = (customers: number, retained: number, revenue = 0, revenueSquares = 0): ArmTotals => ({
  customers,
  retained,
  revenue,
  revenueSquares,
});

describe('listEffect', () => {
  it("gives Newcombe's hybrid score interval for the difference (his worked example, 56/70 against 48/80)", () => {
    const effect = listEffect(arm(70, 56), arm(80, 48));
    expect(effect?.difference).toBeCloseTo(0.2, 10);
    expect(effect?.lower).toBeCloseTo(0.0524, 4);
    expect(effect?.upper).toBeCloseTo(0.3339, 4);
    expect(effect?.conclusive).toBe(true);
    // Customers saved: the difference over the 70 treated, interval likewise.
    expect(effect?.customersSaved).toBeCloseTo(14, 8);
    expect(effect?.customersSavedLower).toBeCloseTo(0.0524 * 70, 2);
  });

  it('says a small list cannot be told from noise, and has nothing to compare without a control group', () => {
    const small = listEffect(arm(6, 3), arm(4, 1));
    expect(small?.difference).toBeCloseTo(0.25, 10);
    expect(small?.lower).toBeLessThan(0);
    expect(small?.conclusive).toBe(false);
    expect(listEffect(arm(6, 3), arm(0, 0))).toBeNull();
  });

  it("reads revenue per customer with Welch's interval", () => {
    // Treated revenue 10, 20, 30 (mean 20, variance 100); control 0, 10 (mean 5, variance 50).
    const effect = listEffect(arm(3, 3, 60, 1400), arm(2, 1, 10, 100));
    expect(effect?.treatedRevenuePerCustomer).toBe(20);
    expect(effect?.controlRevenuePerCustomer).toBe(5);
    expect(effect?.revenueSaved).toBeCloseTo(45, 10);
    const half = 1.959963984540054 * Math.sqrt(100 / 3 + 50 / 2) * 3;
    expect(effect?.revenueSavedUpper).toBeCloseTo(45 + half, 8);
    expect(effect?.revenueSavedLower).toBeCloseTo(45 - half, 8);
  });
});

describe('pooledEffect', () => {
  it('weights each list by its treated customers and states the control rate at their mix', () => {
    const pooled = pooledEffect([
      { treated: arm(300, 90), control: arm(100, 20) }, // +10 points
      { treated: arm(100, 50), control: arm(100, 50) }, // none
    ]);
    expect(pooled?.difference).toBeCloseTo(0.075, 10);
    expect(pooled?.treatedRate).toBeCloseTo(140 / 400, 10);
    expect(pooled?.controlRate).toBeCloseTo(140 / 400 - 0.075, 10);
    expect(pooled?.customersSaved).toBeCloseTo(30, 8);
    expect(pooled?.lower).toBeLessThan(0.075);
    expect(pooled?.upper).toBeGreaterThan(0.075);
  });

  it('is null before any list has both groups', () => {
    expect(pooledEffect([])).toBeNull();
    expect(pooledEffect([{ treated: arm(10, 5), control: arm(0, 0) }])).toBeNull();
  });
});
