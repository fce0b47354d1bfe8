import { type CohortCustomersInput, cohortCustomersInputSchema } from '@retain/schemas';
import { BadInputError, type Warehouse } from '@retain/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cohortCustomers } from './cohortCustomers.ts';
import { HAND_FIXTURE } from './testing/handFixture.ts';
import { openFixture } from './testing/openFixture.ts';

// The December 2020 cohort of testing/handFixture.ts: A2, A3, N6, A4, A1; in January A4 and A1.

let warehouse: Warehouse;
let close: () => void;
beforeAll(async () => {
  ({ warehouse, close } = await openFixture(HAND_FIXTURE));
});
afterAll(() => close?.());

const drill = (input: CohortCustomersInput) =>
  cohortCustomers(warehouse, cohortCustomersInputSchema.parse(input));
const ids = async (input: CohortCustomersInput) => (await drill(input)).rows.map((r) => r.customerId);

describe('cohort drill-down', () => {
  it('lists the customers a cell counts, with their facts, by revenue', async () => {
    const r = await drill({ cohort: '2020-12', offset: 1 });
    expect(r.total).toBe(2);
    expect(r.rows).toEqual([
      {
        customerId: 'A1',
        firstOrder: '2020-12-31T10:00:00Z',
        lastOrder: '2021-03-10T09:00:00Z',
        orders: 4,
        revenue: 210,
        complaints: 0,
        returns: 0,
      },
      {
        customerId: 'A4',
        firstOrder: '2020-12-28T23:00:00Z',
        lastOrder: '2021-01-20T10:00:00Z',
        orders: 2,
        revenue: 50,
        complaints: 1,
        returns: 0,
      },
    ]);
  });

  it('lists the rest of the base, and every member without an offset', async () => {
    expect(
      await ids({ cohort: '2020-12', offset: 1, status: 'inactive', sort: 'customerId', direction: 'asc' }),
    ).toEqual(['A2', 'A3', 'N6']);
    expect(await ids({ cohort: '2020-12', offset: 2, mode: 'onOrAfter' })).toEqual(['A2', 'A1']);
    expect((await drill({ cohort: '2020-12' })).total).toBe(5);
  });

  it('sorts and pages', async () => {
    const page = await drill({
      cohort: '2020-12',
      sort: 'customerId',
      direction: 'asc',
      page: 2,
      pageSize: 2,
    });
    expect(page).toMatchObject({ total: 5, page: 2, pageSize: 2 });
    expect(page.rows.map((r) => r.customerId)).toEqual(['A3', 'A4']);
    expect(await ids({ cohort: '2020-12', sort: 'lastOrder', direction: 'desc', pageSize: 1 })).toEqual([
      'A1',
    ]);
    expect(await ids({ cohort: '2020-12', sort: 'returns', direction: 'desc', pageSize: 1 })).toEqual(['A2']);
    const past = await drill({ cohort: '2020-12', page: 9, pageSize: 2 });
    expect(past).toMatchObject({ total: 5, rows: [] });
  });

  it('drills into pooled cohorts the way the matrix counts them', async () => {
    // Web customers from December 2020 on, offset 3: observed so far only for the December
    // starters A3, N6 and A1, of whom A1 ordered in March.
    const filters = { from: '2020-12-01' };
    expect(await ids({ by: 'channel', cohort: 'web', offset: 3, filters })).toEqual(['A1']);
    expect(
      await ids({
        by: 'channel',
        cohort: 'web',
        offset: 3,
        status: 'inactive',
        filters,
        sort: 'customerId',
        direction: 'asc',
      }),
    ).toEqual(['A3', 'N6']);
  });

  it('rejects a label that is not a cohort of the period', async () => {
    await expect(drill({ cohort: 'Dec 2020' })).rejects.toBeInstanceOf(BadInputError);
    await expect(drill({ period: 'week', cohort: '2021-W54' })).rejects.toBeInstanceOf(BadInputError);
  });
});
