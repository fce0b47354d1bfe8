import type { CallListFilters } from '@retain/schemas';
import { type Db, type DbSession, sql, type Warehouse } from '@retain/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { callListPage } from './callList.ts';
import { stageEngineFacts } from './engineFacts.ts';
import { FIXTURE_NOW, openCallListFixture } from './testing/index.ts';

/*
 * The facts staged from another handle (here a second connection on the hand fixture, in place of
 * a cluster) give the call list the warehouse's own tables give, batch after batch.
 */
describe('stageEngineFacts', () => {
  let warehouse: Warehouse;
  let engine: DbSession;
  let close: () => void;
  beforeAll(async () => {
    ({ warehouse, close } = await openCallListFixture());
    engine = await warehouse.session();
  });
  afterAll(() => {
    engine.close();
    close();
  });

  const page = (filters: CallListFilters, facts: Awaited<ReturnType<typeof stageEngineFacts>> | null) =>
    callListPage(warehouse, filters, { offset: 0, limit: 50 }, { now: FIXTURE_NOW, facts });

  it('stages every scored customer in batches, and the list on them equals the list on the tables', async () => {
    const batches: Array<[number, number]> = [];
    const facts = await stageEngineFacts(warehouse, engine, {
      batchSize: 3,
      onBatch: (done, of) => batches.push([done, of]),
    });
    try {
      const scored = batches.at(-1)?.[1] ?? 0;
      expect(scored).toBeGreaterThan(6);
      expect(batches.map(([done]) => done)).toEqual(
        Array.from({ length: Math.ceil(scored / 3) }, (_, i) => Math.min(3 * (i + 1), scored)),
      );
      expect(facts.orders).toBeGreaterThan(0);
      expect(facts.phoneCountry).toBe('GB');
      for (const filters of [
        {},
        { hasOpenComplaint: true },
        { region: 'North' },
        { top: 2 },
      ] as CallListFilters[]) {
        expect(await page(filters, facts)).toEqual(await page(filters, null));
      }
    } finally {
      await facts.release();
    }
  });

  it('leaves nothing attached when the engine fails part way', async () => {
    // The cluster answers the phone-country query, then fails on the first batch's facts.
    const failing: Db = Object.assign(Object.create(engine) as Db, {
      query: () => Promise.reject(new Error('the cluster went away')),
    });
    await expect(stageEngineFacts(warehouse, failing)).rejects.toThrow('the cluster went away');
    const attached = await warehouse.query(
      sql`SELECT database_name FROM duckdb_databases() WHERE database_name LIKE 'retain_engine_facts%'`,
      z.object({ database_name: z.string() }),
    );
    expect(attached).toEqual([]);
  });
});
