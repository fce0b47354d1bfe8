import { listAudit } from '@retain/access';
import { openDemoWarehouse, storeAsEarlierVersions } from '@retain/churn/testing';
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
    // The start is in the audit log when the answer comes; the refused second one is not.
    expect(await listAudit(demo.warehouse, { action: 'train' })).toMatchObject([
      {
        username: 'test-admin',
        action: 'train',
        detail: { via: 'api', jobId, asOf: null, horizonDays: 90, seed: 3 },
      },
    ]);
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
    // Which scorer is active and why, and every candidate judged out of time with intervals.
    const { selection, candidates } = detail.evaluation;
    expect(model?.scorer).toBe(selection?.name);
    expect(selection?.reason).toMatch(/out-of-time snapshot/);
    expect(candidates?.map((c) => c.name).sort()).toEqual([
      'bgnbd',
      'gbt',
      'network',
      'recency',
      'rfmLogistic',
      'stack',
    ]);
    expect(candidates?.find((c) => c.name === selection?.name)?.metrics).toEqual(
      detail.evaluation.validation,
    );
    await expect(caller.model.evaluation({ modelId: 'm-nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('shows ROC and PR curves of the model and each baseline, and the importance of each feature group', async () => {
    const { evaluation } = await caller.model.evaluation({});
    const curves = evaluation.curves;
    expect(Object.keys(curves ?? {}).sort()).toEqual([
      'bgnbd',
      'gbt',
      'model',
      'network',
      'recency',
      'rfmLogistic',
      'stack',
    ]);
    for (const { roc, pr } of Object.values(curves ?? {})) {
      expect(roc.length).toBeGreaterThan(2);
      expect(roc.length).toBeLessThanOrEqual(100);
      expect(roc[0]).toEqual({ fpr: 0, tpr: 0, threshold: null });
      expect(roc.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
      expect(pr.at(-1)).toMatchObject({ recall: 1 });
    }
    const importance = evaluation.featureImportance;
    expect(importance).toMatchObject({
      method: 'mean-abs-occlusion',
      unit: 'log-odds',
      population: 'validation',
    });
    const groups = importance?.groups ?? [];
    expect(groups.map((g) => g.group)).toContain('recency');
    expect(groups.find((g) => g.group === 'recency')?.label).toBe('Days since last order');
    const values = groups.map((g) => g.importance);
    expect(values).toEqual([...values].sort((a, b) => b - a));
  });

  it('still reads versions stored before curves, importance and the comparison of candidates were', async () => {
    for (const keys of await storeAsEarlierVersions(demo.warehouse)) expect(keys).not.toContain('curves');
    const { evaluation } = await caller.model.evaluation({});
    expect(evaluation.curves).toBeNull();
    expect(evaluation.featureImportance).toBeNull();
    expect(evaluation).toMatchObject({ candidates: null, selection: null, origins: null });
    expect(evaluation.validation.calibration).toHaveLength(10);
    // Such a version scored with its network.
    expect((await caller.model.list())[0]?.scorer).toBe('network');
  });
});
