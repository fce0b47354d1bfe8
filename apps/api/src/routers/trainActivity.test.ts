import { openTestWarehouse, tempDir } from '@retain/warehouse/testing';
import { describe, expect, it } from 'vitest';
import { contextFor, createServices } from '../context.ts';
import { createCaller } from '../root.ts';

describe('model.train in the server’s log', () => {
  it('says who started a training from the dashboard, from where and when', async () => {
    const { dir, cleanup } = tempDir('retain-api-train-log-');
    const warehouse = await openTestWarehouse(dir);
    const lines: string[] = [];
    const services = createServices(warehouse, { authRequired: true, activity: (line) => lines.push(line) });
    try {
      const caller = createCaller(contextFor(services, { username: 'maria', role: 'analyst', demo: false }));
      const job = await caller.model.train({});
      expect(lines).toEqual([
        `[train] ${job.startedAt}: maria (analyst) from local started training ${job.jobId} on the dashboard`,
      ]);
      // No orders here: the run ends at once, failed; nothing is left running.
      await services.training.cancel();
    } finally {
      warehouse.close();
      cleanup();
    }
  });
});
