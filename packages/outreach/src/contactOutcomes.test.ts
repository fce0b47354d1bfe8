import type { Warehouse } from '@retain/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcomesOf, recordOutcome } from './contactOutcomes.ts';
import { UnknownCustomerError } from './errors.ts';
import { openCallListFixture } from './testing/index.ts';

describe('contact outcomes', () => {
  let warehouse: Warehouse;
  let close: () => void;
  beforeAll(async () => {
    ({ warehouse, close } = await openCallListFixture());
  });
  afterAll(() => close());

  it('records an outcome and lists a customer’s history newest first', async () => {
    const stored = await recordOutcome(warehouse, {
      customerId: 'C01',
      outcome: 'offer_accepted',
      note: '  10 % voucher  ',
      by: 'ada',
      at: new Date('2024-07-01T09:30:00.250Z'),
    });
    expect(stored).toEqual({
      customerId: 'C01',
      contactedAt: '2024-07-01T09:30:00.250Z',
      outcome: 'offer_accepted',
      note: '10 % voucher',
      recordedBy: 'ada',
    });
    await recordOutcome(warehouse, {
      customerId: 'C01',
      outcome: 'no_answer',
      note: '   ',
      by: null,
      at: new Date('2024-06-01T09:00:00Z'),
    });
    expect(await outcomesOf(warehouse, 'C01')).toEqual([
      stored,
      {
        customerId: 'C01',
        contactedAt: '2024-06-01T09:00:00.000Z',
        outcome: 'no_answer',
        note: null,
        recordedBy: null,
      },
    ]);
    expect(await outcomesOf(warehouse, 'C02')).toEqual([]);
  });

  it('accepts customers known only from purchases, and refuses unknown ones', async () => {
    await expect(
      recordOutcome(warehouse, { customerId: 'C05', outcome: 'reached', by: null }),
    ).resolves.toMatchObject({ customerId: 'C05' });
    await expect(
      recordOutcome(warehouse, { customerId: 'NOPE', outcome: 'reached', by: null }),
    ).rejects.toBeInstanceOf(UnknownCustomerError);
  });
});
