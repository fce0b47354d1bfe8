import { describe, expect, it } from 'vitest';
import { categoryOf, emptyRawColumns } from '../features/featureTable.ts';
import { reasonPhrase, reasonPhrases } from './reasons.ts';

function context(values: Record<string, number>) {
  const raw = emptyRawColumns(1);
  for (const column of Object.keys(raw) as (keyof typeof raw)[]) raw[column][0] = Number.NaN;
  for (const [column, value] of Object.entries(values)) raw[column as keyof typeof raw][0] = value;
  return { raw, channel: categoryOf(['marketplace']), region: categoryOf(['South']) };
}

describe('reasons in plain words, from the customer’s own values', () => {
  it('recency against the usual gap', () => {
    const c = context({ recency_days: 64.2, frequency: 5, gap_mean_days: 21.3, tenure_days: 300 });
    expect(reasonPhrase('recency', c, 0)).toBe('64 days since last order; usually 21');
    expect(reasonPhrase('recency', context({ recency_days: 40, frequency: 1, tenure_days: 40 }), 0)).toBe(
      '40 days since their only order',
    );
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
  });

  it('activity, returns, channel', () => {
    expect(reasonPhrase('activity', context({ orders_90: 0, orders_prev_90: 3, orders_365: 5 }), 0)).toBe(
      'No orders in the last 90 days, after 3 in the 90 before',
    );
    const returns = context({
      returns_total: 2,
      returned_value: 35,
      monetary_total: 100,
      days_since_return: 12,
    });
    expect(reasonPhrase('returns', returns, 0)).toBe(
      'Returned 2 orders (35 % of spend), the last 12 days ago',
    );
    expect(reasonPhrase('channel', context({}), 0)).toBe('Signed up via marketplace');
  });

  it('turns reason codes into at most the listed phrases, stopping at −1', () => {
    const c = context({ recency_days: 10, frequency: 1, tenure_days: 10 });
    const { phrases, groups } = reasonPhrases([0, 7, -1], 0, 3, c, 0);
    expect(groups).toEqual(['recency', 'channel']);
    expect(phrases).toHaveLength(2);
  });
});
