import path from 'node:path';
import { HAND_FIXTURE, ingestHistory } from '@retain/analytics/testing';
import { Warehouse } from '@retain/warehouse';
import { tempDir } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertHistory } from './alertHistory.ts';
import { AlertScheduler } from './alertScheduler.ts';
import { updateAlertSettings } from './alertSettings.ts';
import { addAlertRule } from './ruleStore.ts';

let dir: string;
let cleanup: () => void;
let warehouse: Warehouse;
beforeAll(async () => {
  ({ dir, cleanup } = tempDir('retain-scheduler-'));
  warehouse = await Warehouse.open(path.join(dir, 'test.duckdb'));
  await ingestHistory(warehouse, dir, HAND_FIXTURE);
});
afterAll(() => {
  warehouse?.close();
  cleanup?.();
});

const env = { webhookHosts: [], webhookSecret: 'scheduler-secret-0123' };

async function until(done: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('AlertScheduler', () => {
  it('checks after a load that changed the data, and says when the next check and report run', async () => {
    await updateAlertSettings(warehouse, { checkSchedule: '0 6 * * *', reportSchedule: '30 7 * * 1' }, env);
    const lines: string[] = [];
    const scheduler = new AlertScheduler(warehouse, { env, log: (l) => lines.push(l), loadPollMs: 50 });
    await scheduler.start();
    try {
      expect(lines[0]).toBe(
        '[alerts] rules are checked after each load and at "0 6 * * *" (cron, UTC); the report is made at "30 7 * * 1" once a folder or webhook is set for it',
      );
      const next = scheduler.next();
      expect(next.check?.getUTCHours()).toBe(6);
      expect(next.report?.getUTCDay()).toBe(1);

      await addAlertRule(
        warehouse,
        { name: 'Under 30 actives', metric: 'activeCustomers', condition: 'below', threshold: 30 },
        { env, createdBy: null },
      );
      // A load: ten more customers ordering in the last 90 days, a new data version.
      const lines10 = Array.from({ length: 10 }, (_, i) => ({
        orderId: `S${i}`,
        customerId: `S${i}`,
        orderDate: '2021-03-05 12:00:00',
        amount: 10,
      }));
      await ingestHistory(warehouse, dir, { lines: lines10, complaints: [], returns: [] });
      // Before the load nothing was checked (no data change); after it, 24 actives fire the rule.
      await until(async () => lines.length > 1, 'the check after the load');
      expect(lines[1]).toBe('[alerts] checked 1 rule after a load: 1 fired, 0 recovered');
      expect((await alertHistory(warehouse)).map((e) => [e.kind, e.value])).toEqual([['fired', 24]]);
    } finally {
      scheduler.stop();
    }
  });
});
