import { describe, expect, it } from 'vitest';
import { evaluateRule, type Figure } from './evaluateRule.ts';
import { figureText } from './figureText.ts';

const text = figureText('USD');
const figure = (current: number | null, previous: number | null): Figure => ({
  current,
  previous,
  period: '2026-06-30',
  comparison: previous === null ? null : 'since 2026-04-01',
});
const rule = {
  channel: null,
  region: null,
  changeUnit: null,
} as const;

describe('evaluateRule', () => {
  it('compares a share with a threshold in its own unit, above and below', () => {
    const above = evaluateRule(
      { ...rule, metric: 'churnRate', condition: 'above', threshold: 0.3 },
      figure(0.312, 0.28),
      text,
    );
    expect(above).toMatchObject({ breached: true, value: 0.312, period: '2026-06-30' });
    expect(above.message).toBe('Churn rate (active customers) is 31.2%, above 30.0% (as of 2026-06-30)');
    const below = evaluateRule(
      { ...rule, metric: 'churnRate', condition: 'below', threshold: 0.3 },
      figure(0.312, 0.28),
      text,
    );
    expect(below).toMatchObject({ breached: false, value: 0.312 });
    expect(below.message).toContain('within at least 30.0%');
  });

  it('measures a change of a share in percentage points, either way', () => {
    const r = {
      ...rule,
      metric: 'repeatRate90d',
      condition: 'changeAbove',
      threshold: 2,
      changeUnit: 'points',
    } as const;
    const fell = evaluateRule(r, figure(0.2, 0.23), text);
    expect(fell.value).toBeCloseTo(-3, 10);
    expect(fell.breached).toBe(true);
    expect(fell.message).toContain('moved −3.0 pt since 2026-04-01 to 20.0%, more than 2 pt');
    expect(evaluateRule(r, figure(0.215, 0.2), text).breached).toBe(false);
  });

  it('measures a change in percent of the previous value, and not against zero', () => {
    const r = {
      ...rule,
      metric: 'revenue',
      condition: 'changeAbove',
      threshold: 10,
      changeUnit: 'percent',
    } as const;
    const grew = evaluateRule(r, figure(12_000, 10_000), text);
    expect(grew).toMatchObject({ value: 20, breached: true });
    expect(grew.message).toContain('+20.0%');
    expect(evaluateRule(r, figure(5, 0), text)).toMatchObject({ value: null, breached: false });
  });

  it('breaches nothing when the figure cannot be computed, and says so', () => {
    const none = evaluateRule(
      { ...rule, metric: 'netRevenueRetention12m', condition: 'below', threshold: 1, channel: 'web' },
      figure(null, null),
      text,
    );
    expect(none).toMatchObject({ value: null, breached: false });
    expect(none.message).toBe(
      'Net revenue retention (12 m) cannot be computed yet (as of 2026-06-30, channel web)',
    );
  });

  it('writes money in the data currency and counts whole', () => {
    const money = evaluateRule(
      { ...rule, metric: 'atRiskRevenue', condition: 'above', threshold: 50_000 },
      figure(61_234.4, null),
      text,
    );
    expect(money.message).toBe('At-risk revenue is $61,234, above $50,000 (as of 2026-06-30)');
    const count = evaluateRule(
      { ...rule, metric: 'activeCustomers', condition: 'changeAbove', threshold: 100, changeUnit: 'points' },
      figure(1_450, 1_600),
      text,
    );
    expect(count).toMatchObject({ value: -150, breached: true });
    expect(count.message).toContain('moved −150 since 2026-04-01 to 1,450, more than 100');
  });
});
