import { listAudit } from '@retain/access';
import { ChurnTrainingManager } from '@retain/churn';
import { HORIZON_DAYS, trainInputSchema } from '@retain/schemas';
import { BadInputError, ParameterError, type Warehouse } from '@retain/warehouse';
import { openTestWarehouse, tempDir } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTraining, trainModel } from './training.ts';

// An empty warehouse: every run fails at once (no purchases), which is all these tests need to see
// what the workflows record around a training; training itself is tested in @retain/churn.
let warehouse: Warehouse;
let cleanup: () => void;
beforeAll(async () => {
  const dir = tempDir('retain-training-workflow-');
  cleanup = dir.cleanup;
  warehouse = await openTestWarehouse(dir.dir);
});
afterAll(() => {
  warehouse?.close();
  cleanup?.();
});

const trainings = () => listAudit(warehouse, { action: 'train' });

describe('trainModel', () => {
  it('audits the start with who asked and the settings before the run, which fails here', async () => {
    const input = trainInputSchema.parse({ seed: 7 });
    await expect(
      trainModel(warehouse, input, { requester: { username: null, via: 'cli', detail: { osUser: 'ada' } } }),
    ).rejects.toBeInstanceOf(BadInputError);
    const [entry] = await trainings();
    expect(entry?.detail).toEqual({
      via: 'cli',
      osUser: 'ada',
      asOf: null,
      horizonDays: HORIZON_DAYS.default,
      seed: 7,
    });
  });

  it('refuses a horizon outside its limits with the field and the limits, never a flag', async () => {
    const error = await trainModel(
      warehouse,
      { horizonDays: 3, seed: 1 },
      { requester: { username: 'ada', via: 'api' } },
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ParameterError);
    expect((error as ParameterError).problem).toMatchObject({
      code: 'outOfRange',
      field: 'horizonDays',
      value: 3,
      params: { min: HORIZON_DAYS.min, max: HORIZON_DAYS.max },
    });
    expect((error as ParameterError).message).toBe('Horizon must be a whole number from 7 to 730');
  });
});

describe('startTraining', () => {
  it('starts a run in the background and audits it with its job id and settings', async () => {
    const manager = new ChurnTrainingManager(warehouse);
    const job = await startTraining(warehouse, manager, trainInputSchema.parse({}), {
      requester: { username: 'ada', via: 'api' },
    });
    expect(await job.done).toBeNull(); // no purchases: the run failed, its error in the last event
    expect(manager.latest).toMatchObject({ jobId: job.jobId, phase: 'failed' });
    const [entry] = await trainings();
    expect(entry).toMatchObject({
      username: 'ada',
      detail: { via: 'api', jobId: job.jobId, asOf: null, horizonDays: HORIZON_DAYS.default, seed: 42 },
    });
  });

  it('keeps the detail given instead of the settings (a start by the server itself)', async () => {
    const manager = new ChurnTrainingManager(warehouse);
    const job = await startTraining(
      warehouse,
      manager,
      {},
      { requester: { username: null, via: 'cli' }, detail: { command: 'serve', reason: 'no model yet' } },
    );
    await job.done;
    const [entry] = await trainings();
    expect(entry?.detail).toEqual({ via: 'cli', jobId: job.jobId, command: 'serve', reason: 'no model yet' });
  });
});
