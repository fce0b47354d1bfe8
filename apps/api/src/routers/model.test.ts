import { openDemoWarehouse } from '@retain/churn/testing';
import type { TrainingEvent } from '@retain/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor } from '../testing/callerFor.ts';

let demo: Awaited<ReturnType<typeof openDemoWarehouse>>;
let caller: ReturnType<typeof callerFor>;

beforeAll(async () => {
  demo = await openDemoWarehouse(800, 5);
  caller = callerFor(demo.warehouse);
}, 120_000);
afterAll(() => demo.close());

describe('model router', () => {
  it('has no model, evaluation or scores before the first training', async () => {
    expect(await caller.model.list()).toEqual([]);
    await expect(caller.model.evaluation({})).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await caller.scores.list({})).toMatchObject({ modelId: null, total: 0, rows: [] });
    expect(await caller.model.status()).toEqual({ running: null, latest: null });
  });

  it('trains in the background, streams progress, refuses a second run, and keeps answering', async () => {
    const { jobId } = await caller.model.train({ horizonDays: 90, seed: 3 });
    await expect(caller.model.train({})).rejects.toMatchObject({ code: 'CONFLICT' });
    // The server answers other requests while the model trains.
    const status = await caller.model.status();
    expect(status.running?.jobId).toBe(jobId);
    expect((await caller.info.get()).purchases.rows).toBeGreaterThan(0);

    const events: TrainingEvent[] = [];
    for await (const event of await caller.model.progress({ jobId })) events.push(event);
    const last = events.at(-1);
    expect(last?.phase, last?.message).toBe('done');
    expect(events.some((e) => e.phase === 'validation-fit' && typeof e.epoch === 'number')).toBe(true);
    expect(events.some((e) => typeof e.holdoutAuc === 'number')).toBe(true);
    expect((await caller.model.status()).running).toBeNull();
  }, 120_000);

  it('lists the version and shows its evaluation next to the baselines', async () => {
    const [model] = await caller.model.list();
    expect(model).toMatchObject({ horizonDays: 90, active: true, status: 'ready' });
    const detail = await caller.model.evaluation({ modelId: model?.modelId });
    expect(detail.modelId).toBe(model?.modelId);
    expect(detail.evaluation.validation.calibration).toHaveLength(10);
    expect(Object.keys(detail.evaluation.baselines).sort()).toEqual([
      'bgnbd',
      'gbt',
      'recency',
      'rfmLogistic',
    ]);
    expect(detail.features.map((f) => f.name)).toContain('overdue_ratio');
    await expect(caller.model.evaluation({ modelId: 'm-nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
