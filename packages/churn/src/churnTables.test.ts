import fs from 'node:fs';
import path from 'node:path';
import { readMeta, sql, type Warehouse } from '@retain/warehouse';
import {
  createChurnShapedTables,
  createEarlierDatabase,
  query,
  tableShapes,
  testDatabases,
} from '@retain/warehouse/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { CHURN_TABLES, ensureChurnTables, migrateChurnTables } from './churnTables.ts';
import { getModel, hasReadyModel, listModels, modelDetail, registeredModelFolders } from './registry.ts';
import { exportScores } from './score.ts';
import { latestScoresCount } from './scoring/latestScoresCount.ts';
import { scoresInForce } from './scoring/scoresAsOf.ts';
import { customerScore, listScores } from './scoring/scoresQueries.ts';

const databases = testDatabases('retain-churn-tables-');
afterEach(databases.cleanup);
const opened = databases.open;
function newFile(): { file: string; dir: string } {
  const file = databases.file();
  return { file, dir: path.dirname(file) };
}

/** The churn tables' columns and types, by table. */
async function churnShapes(warehouse: Warehouse): Promise<Record<string, string[]>> {
  const shapes = await tableShapes(warehouse);
  return Object.fromEntries(CHURN_TABLES.tables.map((table) => [table, shapes[table] ?? []]));
}

const SCORED = `SELECT s.customer_id, s.churn_probability, s.reasons, m.status, r.customers
  FROM scores s JOIN models m ON m.model_id = s.model_id
  JOIN score_runs r ON r.model_id = s.model_id AND r.as_of = s.as_of`;

describe('the churn tables', () => {
  it('are created by the package in a new database, with what the earlier warehouse migrations made', async () => {
    const fresh = await opened(newFile().file);
    expect(Object.keys(await tableShapes(fresh))).not.toContain('models');
    expect(await ensureChurnTables(fresh)).toBe(true);

    const { file } = newFile();
    await createEarlierDatabase(file);
    const earlier = await opened(file);
    const before = await churnShapes(earlier);
    expect(await ensureChurnTables(earlier)).toBe(true);

    // Both end with the same tables; the earlier one keeps its rows.
    expect(await churnShapes(fresh)).toEqual(before);
    expect(await churnShapes(earlier)).toEqual(before);
    expect(before.scores).toContain('reasons VARCHAR[]');
    expect(await query(earlier, SCORED)).toEqual([
      {
        customer_id: 'C01',
        churn_probability: 0.75,
        reasons: ['Slowing down'],
        status: 'ready',
        customers: 1,
      },
    ]);
    expect(await hasReadyModel(earlier)).toBe(true);
    expect(await latestScoresCount(earlier)).toBe(1);
    for (const warehouse of [fresh, earlier]) {
      expect(await warehouse.read((db) => readMeta(db, CHURN_TABLES.versionKey))).toBe('1');
    }
  });

  it('are created once: a second migration changes nothing', async () => {
    const { file } = newFile();
    await createEarlierDatabase(file);
    const warehouse = await opened(file);
    await warehouse.write((db) => migrateChurnTables(db));
    await warehouse.write((db) => db.run(sql`DELETE FROM meta WHERE key = ${CHURN_TABLES.versionKey}`));
    await warehouse.write((db) => migrateChurnTables(db));
    expect(await query(warehouse, 'SELECT count(*) AS n FROM scores')).toEqual([{ n: 1 }]);
  });

  it('have the shape the warehouse test fixture gives other packages', async () => {
    const fixture = await opened(newFile().file);
    await createChurnShapedTables(fixture);
    const made = await opened(newFile().file);
    await ensureChurnTables(made);
    expect(await churnShapes(fixture)).toEqual(await churnShapes(made));
  });

  it('are missing from a read-only open of a database no model has scored in: readers answer "none"', async () => {
    const { file, dir } = newFile();
    (await opened(file)).close();
    const warehouse = await opened(file, true);
    expect(await ensureChurnTables(warehouse)).toBe(false);
    expect(await getModel(warehouse)).toBeNull();
    expect(await getModel(warehouse, 'm-1')).toBeNull();
    expect(await hasReadyModel(warehouse)).toBe(false);
    expect(await listModels(warehouse)).toEqual([]);
    expect(await modelDetail(warehouse)).toBeNull();
    expect(await registeredModelFolders(warehouse)).toEqual(new Set());
    expect(await latestScoresCount(warehouse)).toBe(0);
    expect(await warehouse.read((db) => scoresInForce(db, '2024-06-30'))).toEqual({
      run: null,
      anyScores: false,
    });
    expect(await listScores(warehouse)).toMatchObject({ modelId: null, total: 0, rows: [] });
    expect((await customerScore(warehouse, { customerId: 'C01' })).score).toBeNull();
    const out = path.join(dir, 'scores.csv');
    await expect(
      exportScores(warehouse, { modelId: 'm-1', asOf: '2024-06-30', file: out }),
    ).rejects.toMatchObject({
      problem: { code: 'notFound', field: 'modelId', value: 'm-1' },
    });
    expect(fs.existsSync(out)).toBe(false);
  });

  it('are read as they are by a read-only open of a database made earlier', async () => {
    const { file } = newFile();
    await createEarlierDatabase(file);
    const warehouse = await opened(file, true);
    expect(await ensureChurnTables(warehouse)).toBe(true);
    expect(await hasReadyModel(warehouse)).toBe(true);
    expect((await warehouse.read((db) => scoresInForce(db, '2024-07-15'))).run?.modelId).toBe('m-old');
    expect((await listScores(warehouse)).rows.map((r) => [r.customerId, r.reasons])).toEqual([
      ['C01', ['Slowing down']],
    ]);
  });
});
