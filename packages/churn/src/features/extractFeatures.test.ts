import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { dayNumber } from '../dates.ts';
import { type History, openHistory } from '../testing/fixtures.ts';
import { FeatureExtractor } from './extractFeatures.ts';
import { RAW_COLUMNS } from './featureSpec.ts';
import { type FeatureTable, levelOf } from './featureTable.ts';

/**
 * Snapshot S = 2024-03-31 (it sees everything before 2024-04-01 00:00), horizon 60 days: the label
 * window is 2024-04-01 … 2024-05-30.
 */
const S = dayNumber('2024-03-31');
const HORIZON = 60;

const HAND: History = {
  customers: [
    { id: 'C1', channel: 'web', region: 'North' },
    { id: 'C2', channel: 'store', region: 'South' },
  ],
  lines: [
    // C1: three orders 30 days apart (O1 has two lines), then one inside the label window.
    { orderId: 'O1', customerId: 'C1', at: '2024-01-10 00:00:00', amount: 30, channel: 'web' },
    { orderId: 'O1', customerId: 'C1', at: '2024-01-10 00:00:00', amount: 20, channel: 'web' },
    { orderId: 'O2', customerId: 'C1', at: '2024-02-09 00:00:00', amount: 40, channel: 'web' },
    { orderId: 'O3', customerId: 'C1', at: '2024-03-10 00:00:00', amount: 60, channel: 'web' },
    { orderId: 'O4', customerId: 'C1', at: '2024-05-01 00:00:00', amount: 70, channel: 'web' },
    // C2: one order, nothing after: churned.
    { orderId: 'O5', customerId: 'C2', at: '2024-02-01 12:00:00', amount: 100, channel: 'store' },
    // C3 (no customers row): an order whose second line comes after S, then one after the window.
    { orderId: 'O6', customerId: 'C3', at: '2024-03-20 00:00:00', amount: 25, channel: 'app' },
    { orderId: 'O6', customerId: 'C3', at: '2024-04-05 00:00:00', amount: 75, channel: 'app' },
    { orderId: 'O7', customerId: 'C3', at: '2024-06-15 00:00:00', amount: 10, channel: 'app' },
    // C4: first order after S: not in the population.
    { orderId: 'O8', customerId: 'C4', at: '2024-04-10 00:00:00', amount: 10, channel: 'web' },
  ],
  complaints: [
    {
      id: 'K1',
      customerId: 'C1',
      openedAt: '2024-03-01 00:00:00',
      resolvedAt: '2024-03-04 00:00:00',
      severity: 2,
    },
    // Resolved only after S: open at the snapshot.
    {
      id: 'K2',
      customerId: 'C1',
      openedAt: '2024-03-25 00:00:00',
      resolvedAt: '2024-04-10 00:00:00',
      severity: 3,
    },
  ],
  returns: [{ id: 'R1', orderId: 'O2', customerId: 'C1', at: '2024-02-20 00:00:00', amount: 10 }],
};

async function featuresAt(
  history: History,
  labels: boolean,
  day = S,
  horizon = HORIZON,
): Promise<FeatureTable> {
  const { warehouse, close } = await openHistory(history);
  try {
    const extractor = await FeatureExtractor.open(warehouse, labels ? day + horizon : day);
    try {
      return await extractor.extract([{ day, rate: 1 }], { labels, horizonDays: horizon, seed: 1 });
    } finally {
      extractor.close();
    }
  } finally {
    close();
  }
}

function row(table: FeatureTable, customerId: string): Record<string, number> {
  const i = table.customerId.indexOf(customerId);
  expect(i, `${customerId} in the population`).toBeGreaterThanOrEqual(0);
  return Object.fromEntries(RAW_COLUMNS.map((c) => [c, table.raw[c][i] ?? Number.NaN]));
}

describe('features and labels on a hand fixture', () => {
  let table: FeatureTable;
  beforeAll(async () => {
    table = await featuresAt(HAND, true);
  });

  it('takes customers whose first order is on or before S, and no one else', () => {
    expect([...table.customerId].sort()).toEqual(['C1', 'C2', 'C3']);
  });

  it('labels churn as no order in (S, S + H], an order dated by its earliest line', () => {
    const label = (id: string) => table.label?.[table.customerId.indexOf(id)];
    expect(label('C1')).toBe(0); // O4 on 2024-05-01
    expect(label('C2')).toBe(1);
    expect(label('C3')).toBe(1); // O6 started before S; O7 lies after the window
  });

  it('computes recency, frequency, tenure, money, windows and gaps', () => {
    expect(row(table, 'C1')).toMatchObject({
      recency_days: 22,
      tenure_days: 82,
      frequency: 3,
      monetary_total: 150,
      orders_30: 1,
      orders_90: 3,
      orders_180: 3,
      orders_365: 3,
      orders_prev_90: 0,
      gap_mean_days: 30,
      gap_std_days: 0,
      revenue_365: 150,
    });
    const c2 = row(table, 'C2');
    expect(c2.frequency).toBe(1);
    expect(c2.recency_days).toBeCloseTo(59.5, 10);
    expect(c2.gap_mean_days).toBeNaN();
  });

  it('values an order straddling S by its lines before S only', () => {
    expect(row(table, 'C3')).toMatchObject({ frequency: 1, monetary_total: 25 });
  });

  it('counts complaints, an unresolved one included, and returns', () => {
    expect(row(table, 'C1')).toMatchObject({
      complaints_total: 2,
      complaints_90: 2,
      complaints_365: 2,
      days_since_complaint: 7,
      complaints_unresolved: 1,
      open_complaint_days: 7,
      mean_resolution_days: 3,
      slow_resolutions_365: 0,
      max_severity: 3,
      returns_total: 1,
      returns_180: 1,
      returned_value: 10,
      days_since_return: 41,
    });
    expect(row(table, 'C2').complaints_total).toBe(0);
    expect(row(table, 'C2').days_since_complaint).toBeNaN();
  });

  it('reads channel and region from the customers table, else the first order', () => {
    const at = (id: string) => table.customerId.indexOf(id);
    expect(levelOf(table.channel, at('C1'))).toBe('web');
    expect(levelOf(table.region, at('C2'))).toBe('South');
    expect(levelOf(table.channel, at('C3'))).toBe('app');
    expect(levelOf(table.region, at('C3'))).toBe('unknown');
  });
});

/** Every row dated after S removed, and every other row left alone. */
function beforeS(history: History): History {
  const cutoff = '2024-04-01 00:00:00';
  return {
    customers: history.customers,
    lines: history.lines.filter((l) => l.at < cutoff),
    complaints: history.complaints
      .filter((c) => c.openedAt < cutoff)
      .map((c) => ({
        ...c,
        resolvedAt: c.resolvedAt !== null && c.resolvedAt < cutoff ? c.resolvedAt : null,
      })),
    returns: history.returns.filter((r) => r.at < cutoff),
  };
}

/** Rows by customer: unlabelled extractions come back in no particular order. */
function byCustomer(table: FeatureTable) {
  return new Map(
    table.customerId.map((id, i) => [
      id,
      {
        channel: levelOf(table.channel, i),
        region: levelOf(table.region, i),
        holdout: table.holdout[i],
        ...Object.fromEntries(RAW_COLUMNS.map((c) => [c, table.raw[c][i]])),
      },
    ]),
  );
}

function expectSameFeatures(a: FeatureTable, b: FeatureTable): void {
  expect(b.rows).toBe(a.rows);
  expect(byCustomer(b)).toEqual(byCustomer(a));
}

describe('no leakage: features at S use only data before S ends', () => {
  let original: FeatureTable;
  beforeAll(async () => {
    original = await featuresAt(HAND, false);
  });

  it('gives identical features when every row after S is deleted', async () => {
    expectSameFeatures(original, await featuresAt(beforeS(HAND), false));
  });

  it('gives identical features when every row after S is altered', async () => {
    const altered: History = {
      ...HAND,
      lines: HAND.lines.map((l) =>
        l.at >= '2024-04-01' ? { ...l, amount: l.amount * 9 + 1, channel: 'marketplace' } : l,
      ),
      complaints: [
        ...HAND.complaints.map((c) =>
          c.id === 'K2' ? { ...c, resolvedAt: '2024-04-01 00:00:00', severity: 3 } : c,
        ),
        { id: 'K9', customerId: 'C2', openedAt: '2024-04-02 00:00:00', resolvedAt: null, severity: 4 },
      ],
      returns: [
        ...HAND.returns,
        { id: 'R9', orderId: 'O3', customerId: 'C1', at: '2024-04-03 00:00:00', amount: 60 },
      ],
    };
    expectSameFeatures(original, await featuresAt(altered, false));
  });

  it('holds for random histories, with every row after S deleted or altered (property)', async () => {
    const day = (offset: number) =>
      new Date(Date.UTC(2024, 0, 1) + offset * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
    const historyArb = fc
      .record({
        orders: fc.array(
          fc.record({
            customer: fc.integer({ min: 1, max: 6 }),
            hour: fc.integer({ min: 0, max: 200 * 24 }),
            lines: fc.array(
              fc.record({ lag: fc.integer({ min: 0, max: 400 }), amount: fc.integer({ min: 1, max: 500 }) }),
              { minLength: 1, maxLength: 3 },
            ),
          }),
          { minLength: 1, maxLength: 25 },
        ),
        complaints: fc.array(
          fc.record({
            customer: fc.integer({ min: 1, max: 6 }),
            hour: fc.integer({ min: 0, max: 200 * 24 }),
            takes: fc.option(fc.integer({ min: 1, max: 900 })),
            severity: fc.integer({ min: 1, max: 4 }),
          }),
          { maxLength: 8 },
        ),
        returns: fc.array(
          fc.record({
            customer: fc.integer({ min: 1, max: 6 }),
            hour: fc.integer({ min: 0, max: 200 * 24 }),
            amount: fc.integer({ min: 1, max: 100 }),
          }),
          { maxLength: 6 },
        ),
        snapshotHour: fc.integer({ min: 20 * 24, max: 180 * 24 }),
        scale: fc.integer({ min: 2, max: 7 }),
      })
      .map((r) => {
        const history: History = {
          customers: [],
          lines: r.orders.flatMap((o, k) =>
            o.lines.map((line) => ({
              orderId: `O${k}`,
              customerId: `C${o.customer}`,
              at: day(o.hour + line.lag),
              amount: line.amount,
            })),
          ),
          complaints: r.complaints.map((c, k) => ({
            id: `K${k}`,
            customerId: `C${c.customer}`,
            openedAt: day(c.hour),
            resolvedAt: c.takes === null ? null : day(c.hour + c.takes),
            severity: c.severity,
          })),
          returns: r.returns.map((x, k) => ({
            id: `R${k}`,
            orderId: 'O0',
            customerId: `C${x.customer}`,
            at: day(x.hour),
            amount: x.amount,
          })),
        };
        return { history, snapshotDay: dayNumber(day(r.snapshotHour).slice(0, 10)), scale: r.scale };
      });
    await fc.assert(
      fc.asyncProperty(historyArb, async ({ history, snapshotDay, scale }) => {
        const cutoff = `${new Date((snapshotDay + 1) * 86_400_000).toISOString().slice(0, 10)} 00:00:00`;
        const after = (at: string) => at >= cutoff;
        const altered: History = {
          customers: [],
          lines: history.lines.map((l) => (after(l.at) ? { ...l, amount: l.amount * scale } : l)),
          complaints: history.complaints
            .filter((c) => !after(c.openedAt) || c.severity > 2)
            .map((c) => (c.resolvedAt !== null && after(c.resolvedAt) ? { ...c, resolvedAt: null } : c)),
          returns: history.returns.filter((r) => !after(r.at)),
        };
        const [a, b] = [
          await featuresAt(history, false, snapshotDay),
          await featuresAt(altered, false, snapshotDay),
        ];
        expectSameFeatures(a, b);
      }),
      { numRuns: 6, seed: 20240331 },
    );
  });
});
