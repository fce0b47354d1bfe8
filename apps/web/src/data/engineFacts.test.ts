import { describe, expect, it } from 'vitest';
import { checkedAtText, engineFactsLine } from './engineFacts.ts';

// The test runs as en-US; dates are built in the local time zone, whatever it is.
const engine = (checkedAt: Date) => ({
  name: 'Trino at trino.internal:8080 lake.sales',
  checkedAt: checkedAt.toISOString(),
});

describe('the facts on a cluster, in words', () => {
  const now = new Date(2026, 5, 30, 14, 5, 0);

  it('names the cluster, the time of the last check and the order lines', () => {
    expect(engineFactsLine(engine(new Date(2026, 5, 30, 14, 2, 7)), 1_234_567, now)).toBe(
      'Facts on Trino at trino.internal:8080 lake.sales · checked 2:02:07 PM · 1,234,567 order lines',
    );
    expect(engineFactsLine(engine(new Date(2026, 5, 30, 9, 0, 0)), 1, now)).toMatch(/· 1 order line$/);
  });

  it('tells two checks a few seconds apart from each other', () => {
    const first = checkedAtText(new Date(2026, 5, 30, 14, 2, 7).toISOString(), now);
    const second = checkedAtText(new Date(2026, 5, 30, 14, 2, 9).toISOString(), now);
    expect(first).not.toBe(second);
  });

  it('adds the day to a check made on another day', () => {
    expect(checkedAtText(new Date(2026, 5, 29, 23, 59, 0).toISOString(), now)).toBe(
      'Jun 29, 2026, 11:59:00 PM',
    );
    expect(checkedAtText('not a time', now)).toBe('not a time');
  });
});
