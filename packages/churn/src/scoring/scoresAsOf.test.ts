import { sql, type Warehouse } from '@retain/warehouse';
import { openTestWarehouse, tempDir } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateChurnTables } from '../churnTables.ts';
import { scoresInForce } from './scoresAsOf.ts';

let warehouse: Warehouse;
let cleanup: () => void;
beforeAll(async () => {
  const dir = tempDir('retain-scores-as-of-');
  cleanup = dir.cleanup;
  warehouse = await openTestWarehouse(dir.dir);
});
afterAll(() => {
  warehouse?.close();
  cleanup?.();
});

interface Model {
  id: string;
  created: string;
  trainedAsOf: string;
  horizon?: number;
  status?: string;
  runs: string[];
}

/** Registers models and their score runs (the registry's rows only: scoresInForce reads no scores). */
async function register(models: Model[]): Promise<void> {
  await warehouse.write(async (conn) => {
    await migrateChurnTables(conn);
    await conn.run(sql.raw('DELETE FROM scores; DELETE FROM score_runs; DELETE FROM models;'));
    for (const m of models) {
      await conn.run(
        sql.named(
          `INSERT INTO models (model_id, created_at, as_of, horizon_days, data_version, backend, features,
                             normalisation, metrics, path, train_seconds, status)
         VALUES ($id, CAST($created AS TIMESTAMP), CAST($trained AS DATE), $horizon, 1, 'fixture',
                 '[]', '{}', '{}', 'models/x', 1, $status)`,
          {
            id: m.id,
            created: m.created,
            trained: m.trainedAsOf,
            horizon: m.horizon ?? 90,
            status: m.status ?? 'ready',
          },
        ),
      );
      for (const run of m.runs) {
        await conn.run(
          sql.named(
            `INSERT INTO score_runs (model_id, as_of, scored_at, customers, backend)
           VALUES ($id, CAST($run AS DATE), CAST($created AS TIMESTAMP), 0, 'fixture')`,
            { id: m.id, run, created: m.created },
          ),
        );
      }
    }
  });
}

const inForce = (day: string) => warehouse.read((db) => scoresInForce(db, day));

describe('scoresInForce', () => {
  it('says there are no scores, and none at all, before any model has scored', async () => {
    await register([]);
    expect(await inForce('2025-06-30')).toEqual({ run: null, anyScores: false });
  });

  it('takes the newest model trained by the day, at its latest run on or before it', async () => {
    // Monthly retrains: each model knows only the data to its own date.
    await register([
      { id: 'jan', created: '2025-02-01 08:00', trainedAsOf: '2025-01-31', runs: ['2025-01-31'] },
      {
        id: 'feb',
        created: '2025-03-01 08:00',
        trainedAsOf: '2025-02-28',
        runs: ['2025-02-28', '2025-03-15'],
      },
      { id: 'mar', created: '2025-04-01 08:00', trainedAsOf: '2025-03-31', runs: ['2025-03-31'] },
    ]);
    expect((await inForce('2025-02-10')).run).toEqual({
      modelId: 'jan',
      asOf: '2025-01-31',
      trainedAsOf: '2025-01-31',
      horizonDays: 90,
    });
    // feb's later run (15 Mar) is not known on 10 Mar; its 28 Feb run is.
    expect((await inForce('2025-03-10')).run?.asOf).toBe('2025-02-28');
    expect((await inForce('2025-03-20')).run).toMatchObject({ modelId: 'feb', asOf: '2025-03-15' });
    expect((await inForce('2025-06-29')).run?.modelId).toBe('mar');
  });

  it('never uses a model trained on later data, even if it scored an earlier day', async () => {
    // A back-test: the model trained to 30 Sep scored 30 Jun; on 30 Jun that model did not exist.
    await register([
      {
        id: 'late',
        created: '2025-10-01 08:00',
        trainedAsOf: '2025-09-30',
        runs: ['2025-06-30', '2025-09-30'],
      },
    ]);
    expect(await inForce('2025-06-30')).toEqual({ run: null, anyScores: true });
    expect((await inForce('2025-09-30')).run?.asOf).toBe('2025-09-30');
  });

  it('drops scores whose horizon has passed, and models that are not ready', async () => {
    await register([
      {
        id: 'old',
        created: '2025-01-01 08:00',
        trainedAsOf: '2024-12-31',
        horizon: 90,
        runs: ['2024-12-31'],
      },
      {
        id: 'broken',
        created: '2025-05-01 08:00',
        trainedAsOf: '2025-04-30',
        status: 'failed',
        runs: ['2025-04-30'],
      },
    ]);
    expect((await inForce('2025-03-31')).run?.modelId).toBe('old');
    // 2024-12-31 + 90 days = 2025-03-31: a day later its probabilities no longer speak of the day.
    expect(await inForce('2025-04-01')).toEqual({ run: null, anyScores: true });
    expect((await inForce('2025-05-15')).run).toBeNull();
  });
});
