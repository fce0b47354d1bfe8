import { describe, expect, it } from 'vitest';
import { categoryOf, emptyRawColumns } from '../features/featureTable.ts';
import { currencySymbol, reasonPhrase, reasonPhrases } from './reasons.ts';

/** Customers' raw values, the first being the one a test reads; missing values are NaN. */
function population(...rows: Record<string, number>[]) {
  const raw = emptyRawColumns(rows.length);
  for (const column of Object.keys(raw) as (keyof typeof raw)[]) raw[column].fill(Number.NaN);
  rows.forEach((values, i) => {
    for (const [column, value] of Object.entries(values)) raw[column as keyof typeof raw][i] = value;
  });
  return {
    raw,
    channel: categoryOf(rows.map(() => 'marketplace')),
    region: categoryOf(rows.map(() => 'South')),
  };
}
const context = (values: Record<string, number>) => population(values);

/** Customers who order about once a month (12 a year), their usual gap 30 days. */
const monthly = Array.from({ length: 9 }, () => ({ frequency: 12, tenure_days: 365, gap_mean_days: 30 }));

describe('reasons in plain words, from the customer’s own values', () => {
  it('recency against the usual gap', () => {
    const c = context({ recency_days: 64.2, frequency: 5, gap_mean_days: 21.3, tenure_days: 300 });
    expect(reasonPhrase('recency', c, 0)).toBe('64 days since last order; usually 21');
    expect(
      reasonPhrase('recency', population({ recency_days: 40, frequency: 1, tenure_days: 40 }, ...monthly), 0),
    ).toBe('40 days since their only order');
  });

  it('recency within the customer’s own rhythm, or sooner than most order again, is no reason', () => {
    const onTime = context({ recency_days: 20, frequency: 5, gap_mean_days: 21, tenure_days: 300 });
    expect(reasonPhrase('recency', onTime, 0)).toBeNull();
    const justBought = population({ recency_days: 10, frequency: 1, tenure_days: 10 }, ...monthly);
    expect(reasonPhrase('recency', justBought, 0)).toBeNull();
  });

  it('complaints: recent ones and those still open', () => {
    const c = context({
      complaints_total: 3,
      complaints_90: 2,
      complaints_unresolved: 1,
      open_complaint_days: 5,
    });
    expect(reasonPhrase('complaints', c, 0)).toBe('2 complaints in the last 90 days, 1 unresolved');
    const open = context({
      complaints_total: 1,
      complaints_90: 0,
      complaints_unresolved: 1,
      open_complaint_days: 120,
    });
    expect(reasonPhrase('complaints', open, 0)).toBe('1 unresolved complaint, open for 4 months');
    expect(reasonPhrase('complaints', context({ complaints_total: 0 }), 0)).toBeNull();
  });

  it('activity: a drop against the 90 days before, or against their own yearly pace', () => {
    expect(reasonPhrase('activity', context({ orders_90: 0, orders_prev_90: 3, orders_365: 5 }), 0)).toBe(
      'No orders in the last 90 days, after 3 in the 90 before',
    );
    // Two years as a customer: 30 orders in the first year, 6 in the last.
    const slowing = { orders_90: 2, orders_prev_90: 1, orders_365: 6, frequency: 36, tenure_days: 730.5 };
    expect(reasonPhrase('activity', context(slowing), 0)).toBe(
      'Only 6 orders in the last 12 months; usually 30 a year',
    );
    const steady = { ...slowing, orders_365: 18, frequency: 36 };
    expect(reasonPhrase('activity', context(steady), 0)).toBeNull();
  });

  it('frequency: "only" for customers who order less often than most, never for a weekly buyer', () => {
    // A weekly buyer: 32 orders in 11 months, among customers who order monthly.
    const weekly = population({ frequency: 32, tenure_days: 335, gap_mean_days: 10 }, ...monthly);
    expect(reasonPhrase('frequency', weekly, 0)).toBeNull();
    const rare = population({ frequency: 3, tenure_days: 335, gap_mean_days: 160 }, ...monthly);
    expect(reasonPhrase('frequency', rare, 0)).toBe('Only 3 orders in 11 months');
    expect(reasonPhrase('frequency', population({ frequency: 1, tenure_days: 20 }, ...monthly), 0)).toBe(
      'Only 1 order so far',
    );
  });

  it("writes amounts with the currency's symbol, or its code where it has none", () => {
    expect(currencySymbol('USD')).toBe('$');
    expect(currencySymbol('EUR')).toBe('€');
    expect(currencySymbol('GBP')).toBe('£');
    expect(currencySymbol('CHF')).toBe('CHF ');
  });

  it('spend: less in the last 12 months than the customer spent a year before', () => {
    const falling = { monetary_total: 1000, revenue_365: 100, tenure_days: 730.5 };
    expect(reasonPhrase('spend', context(falling), 0)).toBe(
      'Spent 100 in the last 12 months; about 900 a year before',
    );
    expect(reasonPhrase('spend', { ...context(falling), currencySymbol: '€' }, 0)).toBe(
      'Spent €100 in the last 12 months; about €900 a year before',
    );
    expect(reasonPhrase('spend', context({ ...falling, revenue_365: 500 }), 0)).toBeNull();
    expect(
      reasonPhrase('spend', context({ monetary_total: 20, revenue_365: 20, tenure_days: 100 }), 0),
    ).toBeNull();
  });

  it('returns are a reason; attributes that are no change in behaviour never are', () => {
    const returns = context({
      returns_total: 2,
      returned_value: 35,
      monetary_total: 100,
      days_since_return: 12,
    });
    expect(reasonPhrase('returns', returns, 0)).toBe(
      'Returned 2 orders (35.0% of spend), the last 12 days ago',
    );
    expect(reasonPhrase('returns', context({ returns_total: 0 }), 0)).toBeNull();
    expect(reasonPhrase('channel', context({}), 0)).toBeNull();
    expect(reasonPhrase('region', context({}), 0)).toBeNull();
    expect(reasonPhrase('tenure', context({ tenure_days: 900 }), 0)).toBeNull();
    expect(reasonPhrase('tenure', context({ tenure_days: 30 }), 0)).toBe(
      'New customer: first order 30 days ago',
    );
  });

  it('turns reason codes into phrases, dropping those the values do not bear out, stopping at −1', () => {
    const c = population({ recency_days: 90, frequency: 1, tenure_days: 90 }, ...monthly);
    const { phrases, groups } = reasonPhrases([0, 7, 6, -1, 5], 0, 5, c, 0);
    expect(groups).toEqual(['recency']);
    expect(phrases).toEqual(['90 days since their only order']);
  });
});
