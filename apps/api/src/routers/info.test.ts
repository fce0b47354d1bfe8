import { HAND_FIXTURE, openFixture } from '@retain/analytics/testing';
import { storeCurrency, type Warehouse } from '@retain/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../context.ts';
import { callerFor } from '../testing/callerFor.ts';

let warehouse: Warehouse;
let close: () => void;
beforeAll(async () => {
  ({ warehouse, close } = await openFixture(HAND_FIXTURE));
});
afterAll(() => close?.());

describe('info router', () => {
  it('says which currency amounts are in and where that came from, to every role', async () => {
    for (const role of ['admin', 'executive', 'analyst', 'retention'] as const) {
      const info = await callerFor(warehouse, role).info.get();
      expect(info.currency, role).toEqual({ code: 'USD', source: 'default' });
    }
    const setting = createServices(warehouse, { authRequired: true, currency: 'EUR' });
    expect((await callerFor(warehouse, 'executive', setting).info.get()).currency).toEqual({
      code: 'EUR',
      source: 'setting',
    });
    await storeCurrency(warehouse, 'GBP');
    // The data's currency, read afresh (storing it is not a load, so the cache key is the same).
    const fresh = createServices(warehouse, { authRequired: true });
    expect((await callerFor(warehouse, 'analyst', fresh).info.get()).currency).toEqual({
      code: 'GBP',
      source: 'data',
    });
    expect((await callerFor(warehouse, 'analyst', setting).info.get()).currency.code).toBe('EUR');
  });
});
