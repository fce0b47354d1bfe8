import { analyticsOn, retentionKpis } from '@retain/analytics';
import { HAND_FIXTURE, ingestHistory } from '@retain/analytics/testing';
import { writeFixtureScores } from '@retain/churn/testing';
import { type KpisQuery, kpisInputSchema } from '@retain/schemas';
import { dbNumber, sql, type Warehouse } from '@retain/warehouse';
import { openTestWarehouse, tempDir } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kpisReport } from './analyticsReports.ts';
import { engineAtRisk } from './engineAtRisk.ts';

/*
 * The KPIs' at-risk revenue when the facts are on an engine and the scores in a local file: the
 * engine path (analyticsOn) runs on one DuckDB file holding the facts only, the scores live in
 * another. The figures must be the embedded path's over a file holding both.
 */

let facts: Warehouse;
let local: Warehouse;
let cleanup: () => void;

/** Value at risk by customer of the hand fixture (first orders: web North A1, B1; store North B2; …). */
const SCORES = [
  { customerId: 'A1', churnProbability: 0.5, valueAtRisk: 100.25 },
  { customerId: 'B1', churnProbability: 0.2, valueAtRisk: 50.5 },
  { customerId: 'B2', churnProbability: 0.3, valueAtRisk: 12.125 },
  { customerId: 'N3', churnProbability: 0.7, valueAtRisk: 33 },
  { customerId: 'F2', churnProbability: 0.4, valueAtRisk: 7.75 },
  { customerId: 'N2', churnProbability: 0.6, valueAtRisk: 4 }, // no channel nor region
  { customerId: 'GONE', churnProbability: 0.9, valueAtRisk: 1000 }, // not among the facts' customers
];

beforeAll(async () => {
  const dir = tempDir('retain-engine-at-risk-');
  cleanup = dir.cleanup;
  facts = await openTestWarehouse(dir.dir, 'facts.duckdb');
  local = await openTestWarehouse(dir.dir, 'local.duckdb');
  await ingestHistory(facts, dir.dir, HAND_FIXTURE);
  // The reference file holds the facts too, so that its embedded KPIs are the figures to match.
  await ingestHistory(local, dir.dir, HAND_FIXTURE);
  await writeFixtureScores(local, SCORES, { asOf: '2021-03-15' });
});
afterAll(() => {
  facts?.close();
  local?.close();
  cleanup?.();
});

const QUERIES: Record<string, KpisQuery> = {
  all: kpisInputSchema.parse({}),
  web: kpisInputSchema.parse({ filters: { channel: ['web'] } }),
  north: kpisInputSchema.parse({ filters: { region: ['North'] } }),
  storeNorth: kpisInputSchema.parse({ filters: { channel: ['store'], region: ['North'] } }),
  beforeScores: kpisInputSchema.parse({ asOf: '2021-03-01' }),
};

describe('at-risk revenue with the facts on an engine and the scores in a local file', () => {
  it('equals the embedded figures, overall and under filters, whatever the batch size', async () => {
    expect(
      await facts.scalar(
        sql`SELECT count(*) FROM information_schema.tables WHERE table_name = 'scores'`,
        dbNumber,
      ),
    ).toBe(0);
    await facts.write(async (db) => {
      const source = analyticsOn(db);
      for (const [name, query] of Object.entries(QUERIES)) {
        const expected = await kpisReport(local, query);
        const report = await kpisReport(source, query, { scores: local });
        expect(report, name).toEqual(expected);
        for (const batchSize of [1, 2, 5_000]) {
          const { scoresAt, atRiskSums } = engineAtRisk(local, { batchSize });
          const batched = await retentionKpis(source, query, scoresAt, atRiskSums);
          expect(batched.kpis.atRiskRevenue, `${name} in batches of ${batchSize}`).toEqual(
            expected.kpis.atRiskRevenue,
          );
        }
      }
    });
  });

  it('sums the scored customers in scope, by hand', async () => {
    await facts.write(async (db) => {
      const source = analyticsOn(db);
      const at = async (query: KpisQuery) =>
        (await kpisReport(source, query, { scores: local })).kpis.atRiskRevenue.value;
      // Every scored customer of the facts, not GONE.
      expect(await at(kpisInputSchema.parse({}))).toBeCloseTo(100.25 + 50.5 + 12.125 + 33 + 7.75 + 4, 9);
      expect(await at(kpisInputSchema.parse({ filters: { channel: ['web'] } }))).toBeCloseTo(150.75, 9);
      expect(await at(kpisInputSchema.parse({ filters: { channel: ['store'], region: ['North'] } }))).toBe(
        12.125,
      );
      // Before the run's day no scores were in force, though a model has scored.
      const before = await kpisReport(source, kpisInputSchema.parse({ asOf: '2021-03-01' }), {
        scores: local,
      });
      expect(before).toMatchObject({ modelHasScored: true, atRiskScores: null });
      expect(before.kpis.atRiskRevenue.value).toBeNull();
    });
  });

  it('says no model has scored when no local file is given', async () => {
    await facts.write(async (db) => {
      const report = await kpisReport(analyticsOn(db), kpisInputSchema.parse({}));
      expect(report).toMatchObject({ modelHasScored: false, atRiskScores: null });
      expect(report.kpis.atRiskRevenue.value).toBeNull();
      expect(report.kpis.activeCustomers.value).toBeGreaterThan(0);
    });
  });
});
