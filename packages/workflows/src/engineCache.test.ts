import { analyticsOn, sourceFingerprint } from '@retain/analytics';
import { HAND_FIXTURE, ingestHistory } from '@retain/analytics/testing';
import { cohortMatrixInputSchema, repeatInputSchema } from '@retain/schemas';
import { type Db, dbText, sql, type Warehouse } from '@retain/warehouse';
import { openTestWarehouse, tempDir } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cohortMatrixReport, repeatReport } from './analyticsReports.ts';
import { type CachedEngine, EngineResultCache } from './engineCache.ts';
import { preparePackageTables } from './packageTables.ts';

/*
 * The cache on real DuckDB files: the "engine" is a second database holding the facts, read through
 * analyticsOn as a cluster is (a rollup keyed by the facts' fingerprint); the local file keeps the
 * results. What the engine computes is counted, so a hit is one it did not compute.
 */

let engineWarehouse: Warehouse;
let local: Warehouse;
let localDir: string;
const cleanups: Array<() => void> = [];

beforeAll(async () => {
  const engineDir = tempDir('retain-engine-cache-engine-');
  const localTemp = tempDir('retain-engine-cache-local-');
  cleanups.push(engineDir.cleanup, localTemp.cleanup);
  localDir = localTemp.dir;
  engineWarehouse = await openTestWarehouse(engineDir.dir);
  await ingestHistory(engineWarehouse, engineDir.dir, HAND_FIXTURE);
  local = await openTestWarehouse(localDir);
  await preparePackageTables(local);
});

afterAll(() => {
  engineWarehouse?.close();
  local?.close();
  for (const cleanup of cleanups) cleanup();
});

function engineOn(db: Db): CachedEngine {
  const fingerprint = sourceFingerprint(db.dialect);
  return {
    source: analyticsOn(db, { fingerprint }),
    version: () => db.scalar(sql`SELECT ${fingerprint} AS version`, dbText),
  };
}

const matrixInput = cohortMatrixInputSchema.parse({ metric: 'revenue', minCohortSize: 1 });
const repeatInput = repeatInputSchema.parse({ withinDays: 60 });

describe('EngineResultCache', () => {
  it('serves what the engine computed from the local file until the facts move, then prunes the old results', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const now = () => clock;
    await engineWarehouse.write(async (db) => {
      const engine = engineOn(db);
      let computed = 0;
      const matrix = (cache: EngineResultCache) =>
        cache.read(`cohorts.matrix:${JSON.stringify(matrixInput)}`, (source) => {
          computed += 1;
          return cohortMatrixReport(source, matrixInput);
        });
      const repeat = (cache: EngineResultCache) =>
        cache.read(`repeat.summary:${JSON.stringify(repeatInput)}`, (source) => {
          computed += 1;
          return repeatReport(source, repeatInput);
        });

      const cache = new EngineResultCache(local, engine, { recheckSeconds: 60, now });
      const expected = await cohortMatrixReport(engine.source, matrixInput);
      const first = await matrix(cache);
      // The same JSON as the engine's answer, and the same again from the file.
      expect(JSON.stringify(first)).toBe(JSON.stringify(expected));
      expect(first).toEqual(expected);
      expect(await matrix(cache)).toEqual(first);
      expect(await repeat(cache)).toEqual(await repeatReport(engine.source, repeatInput));
      expect(computed).toBe(2);
      const version = await engine.version();
      expect(await cache.entries()).toEqual([
        { version, key: `cohorts.matrix:${JSON.stringify(matrixInput)}` },
        { version, key: `repeat.summary:${JSON.stringify(repeatInput)}` },
      ]);

      // A restarted server: one fingerprint query, then the stored figures.
      const restarted = new EngineResultCache(local, engine, { recheckSeconds: 60, now });
      expect(await matrix(restarted)).toEqual(first);
      expect(computed).toBe(2);

      // The facts move (a return is removed): within the recheck interval the version is trusted…
      await db.run(sql`DELETE FROM returns WHERE customer_id = (SELECT min(customer_id) FROM returns)`);
      const moved = await engine.version();
      expect(moved).not.toBe(version);
      expect(await matrix(restarted)).toEqual(first);
      expect(computed).toBe(2);
      // …and once it has passed, the engine computes again and the older results go.
      clock += 61_000;
      const after = await matrix(restarted);
      expect(computed).toBe(3);
      expect(after).toEqual(await cohortMatrixReport(engine.source, matrixInput));
      expect(await restarted.entries()).toEqual([
        { version: moved, key: `cohorts.matrix:${JSON.stringify(matrixInput)}` },
      ]);
      expect((await restarted.version()).version).toBe(moved);

      // A refresh reads the version at once, whatever the interval.
      await db.run(sql`DELETE FROM complaints WHERE customer_id = (SELECT min(customer_id) FROM complaints)`);
      expect((await restarted.version()).version).toBe(moved);
      expect((await restarted.refresh()).version).toBe(await engine.version());
      expect(await restarted.entries()).toEqual([]);
      await repeat(restarted);
      expect(computed).toBe(4);
    });
  });

  it('computes a failed read again rather than keep the failure', async () => {
    await engineWarehouse.write(async (db) => {
      const cache = new EngineResultCache(local, engineOn(db), { recheckSeconds: 60 });
      let calls = 0;
      const read = () =>
        cache.read('flaky', async () => {
          calls += 1;
          if (calls === 1) throw new Error('the cluster went away');
          return { ok: true };
        });
      await expect(read()).rejects.toThrow('the cluster went away');
      expect(await read()).toEqual({ ok: true });
      expect(await read()).toEqual({ ok: true });
      expect(calls).toBe(2);
    });
  });
});
