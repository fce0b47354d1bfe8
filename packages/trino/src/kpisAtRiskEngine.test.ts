import path from 'node:path';
import { sql } from '@retain/warehouse';
import { tempDir } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testCluster } from './testing/cluster.ts';
import { type MappedDemo, mapDemo } from './testing/mappedDemo.ts';
import { retainCommand as retain, trainBothWays } from './testing/retainCommand.ts';

/*
 * `retain kpis --engine`: at-risk revenue from the scores in the local file (as `retain at-risk
 * --engine` ranks them), summed over the scope's customers read from the cluster. Trained both
 * ways with the same seed, the figure equals the embedded file's, overall and under filters.
 */

const cluster = testCluster();

const kpisJson = z.object({
  asOf: z.string().nullable(),
  modelHasScored: z.boolean(),
  atRiskScores: z.object({ modelId: z.string(), asOf: z.string() }).nullable(),
  kpis: z.object({
    atRiskRevenue: z.object({ value: z.number().nullable() }),
    activeCustomers: z.object({ value: z.number().nullable() }),
  }),
});

describe.skipIf(cluster === null)('retain kpis with --engine: at-risk revenue on a Trino cluster', () => {
  let demo: MappedDemo | null = null;
  const temp = tempDir('retain-kpis-at-risk-engine-');
  let localDb = '';
  let region = '';
  let channel = '';

  beforeAll(async () => {
    if (!cluster) return;
    demo = await mapDemo(cluster, {
      prefix: 'kpis_at_risk_engine',
      customers: 600,
      seed: 53,
      years: 2,
      end: '2025-06-30',
    });
    const { warehouse } = demo;
    // The commonest values: a filter on either keeps part of the scored customers.
    const most = (column: 'region' | 'channel') =>
      warehouse.scalar(
        sql`SELECT ${sql.ident(column)} FROM purchases WHERE ${sql.ident(column)} IS NOT NULL
            GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
        z.string(),
      );
    region = await most('region');
    channel = await most('channel');
    warehouse.close();
    localDb = path.join(temp.dir, 'local.duckdb');
    trainBothWays(demo, localDb);
  }, 600_000);

  afterAll(async () => {
    await demo?.drop();
    temp.cleanup();
  });

  function kpis(flags: string[], args: string[]) {
    const run = retain(['kpis', '--json', ...flags, ...args]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    return kpisJson.parse(JSON.parse(run.stdout));
  }

  /** The KPIs from the embedded file and from the cluster with the local scores, same flags. */
  function bothWays(flags: string[]) {
    if (!demo) throw new Error('no demo');
    return {
      embedded: kpis(flags, ['--db', demo.dbFile]),
      engine: kpis(flags, ['--db', localDb, '--engine', demo.engineUrl]),
    };
  }

  function expectSameAtRisk(flags: string[]) {
    const { embedded, engine } = bothWays(flags);
    expect(embedded.modelHasScored).toBe(true);
    expect(engine.modelHasScored).toBe(embedded.modelHasScored);
    expect(engine.atRiskScores?.asOf).toBe(embedded.atRiskScores?.asOf);
    expect(engine.kpis.activeCustomers.value).toBe(embedded.kpis.activeCustomers.value);
    const [a, b] = [embedded.kpis.atRiskRevenue.value, engine.kpis.atRiskRevenue.value];
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();
    if (a === null || b === null) return;
    expect(a).toBeGreaterThan(0);
    expect(Math.abs(b - a)).toBeLessThanOrEqual(1e-6 * Math.abs(a));
    return a;
  }

  it('gives the embedded file’s at-risk revenue from the local scores', () => {
    expectSameAtRisk([]);
  });

  it('gives the same figure under a channel filter and a region filter', () => {
    const all = expectSameAtRisk([]);
    const byChannel = expectSameAtRisk(['--channel', channel]);
    const byRegion = expectSameAtRisk(['--region', region]);
    expect(byChannel).toBeLessThan(all ?? 0);
    expect(byRegion).toBeLessThan(all ?? 0);
  });

  it('says no model has scored when the local file holds no scores', () => {
    if (!demo) throw new Error('no demo');
    const empty = path.join(temp.dir, 'none.duckdb');
    const run = retain(['kpis', '--json', '--db', empty, '--engine', demo.engineUrl]);
    expect(run.code).toBe(0);
    const report = kpisJson.parse(JSON.parse(run.stdout));
    expect(report.modelHasScored).toBe(false);
    expect(report.kpis.atRiskRevenue.value).toBeNull();
  });
});
