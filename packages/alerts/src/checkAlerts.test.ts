import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listAudit } from '@retain/access';
import { HAND_FIXTURE, ingestHistory } from '@retain/analytics/testing';
import { Warehouse } from '@retain/warehouse';
import { tempDir } from '@retain/warehouse/testing';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertHistory, markAlertsRead, unreadAlertCount } from './alertHistory.ts';
import type { AlertEnvironment } from './alertSettings.ts';
import { checkAlerts } from './checkAlerts.ts';
import { addAlertRule } from './ruleStore.ts';
import { startReceiver } from './testing/webhookReceiver.ts';
import {
  failedDeliveries,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifyWebhookSignature,
} from './webhookDelivery.ts';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testing/checkChild.ts');
const SECRET = 'test-secret-0123456789';
const FAST = { attempts: 3, baseDelayMs: 20, timeoutMs: 5_000 };

// As of 2021-03-15 the hand fixture has 14 active customers and a churn rate of 40 %.
let dir: string;
let cleanup: () => void;
let warehouse: Warehouse;
const receivers: Array<{ close: () => Promise<void> }> = [];

beforeEach(async () => {
  ({ dir, cleanup } = tempDir('retain-alerts-'));
  warehouse = await Warehouse.open(path.join(dir, 'test.duckdb'));
  await ingestHistory(warehouse, dir, HAND_FIXTURE);
});
afterEach(async () => {
  warehouse.close();
  for (const r of receivers.splice(0)) await r.close();
  cleanup();
});
afterAll(() => undefined);

async function receiver(options: Parameters<typeof startReceiver>[0] = {}) {
  const r = await startReceiver(options);
  receivers.push(r);
  const env: AlertEnvironment = { webhookHosts: [r.host], webhookSecret: SECRET };
  return { ...r, env };
}

/** Ten new customers ordering inside the last 90 days: 24 active instead of 14. */
async function tenMoreActive() {
  const lines = Array.from({ length: 10 }, (_, i) => ({
    orderId: `X${i}`,
    customerId: `X${i}`,
    orderDate: '2021-03-05 12:00:00',
    amount: 10,
  }));
  await ingestHistory(warehouse, dir, { lines, complaints: [], returns: [] });
}

describe('checkAlerts', () => {
  it('delivers exactly one signed webhook per breach, none on a re-check, and one recovery when the value returns', async () => {
    const r = await receiver();
    const rule = await addAlertRule(
      warehouse,
      {
        name: 'Few actives',
        metric: 'activeCustomers',
        condition: 'below',
        threshold: 20,
        webhooks: [r.url],
      },
      { env: r.env, createdBy: 'maria' },
    );
    const first = await checkAlerts(warehouse, { env: r.env, trigger: 'test', retry: FAST });
    expect(first.checked).toBe(1);
    expect(first.fired).toEqual([
      expect.objectContaining({
        ruleId: rule.ruleId,
        name: 'Few actives',
        value: 14,
        threshold: 20,
        delivered: true,
      }),
    ]);
    expect(first.fired[0]?.period).toBe('2021-03-15');
    expect(r.received).toHaveLength(1);
    const hit = r.received[0];
    const body = JSON.parse(hit?.body ?? '{}');
    expect(body).toMatchObject({ event: 'alert.fired', value: 14, period: '2021-03-15' });
    expect(body.text).toContain('Active customers is 14, below 20');
    expect(
      verifyWebhookSignature(
        SECRET,
        {
          timestamp: String(hit?.headers[TIMESTAMP_HEADER]),
          signature: String(hit?.headers[SIGNATURE_HEADER]),
        },
        hit?.body ?? '',
      ),
    ).toBe(true);
    expect(
      verifyWebhookSignature(
        'another secret',
        {
          timestamp: String(hit?.headers[TIMESTAMP_HEADER]),
          signature: String(hit?.headers[SIGNATURE_HEADER]),
        },
        hit?.body ?? '',
      ),
    ).toBe(false);

    const again = await checkAlerts(warehouse, { env: r.env, trigger: 'test', retry: FAST });
    expect(again).toMatchObject({ checked: 1, fired: [], recovered: [] });
    expect(r.received).toHaveLength(1);

    await tenMoreActive();
    const recovered = await checkAlerts(warehouse, { env: r.env, trigger: 'test', retry: FAST });
    expect(recovered.fired).toEqual([]);
    expect(recovered.recovered).toEqual([
      expect.objectContaining({ ruleId: rule.ruleId, value: 24, delivered: true }),
    ]);
    expect(r.received).toHaveLength(2);
    expect(JSON.parse(r.received[1]?.body ?? '{}')).toMatchObject({ event: 'alert.recovered', value: 24 });

    const history = await alertHistory(warehouse);
    expect(history.map((e) => [e.kind, e.value, e.delivered])).toEqual([
      ['recovered', 24, 1],
      ['fired', 14, 1],
    ]);
    const audit = await listAudit(warehouse);
    expect(audit.filter((a) => a.action.startsWith('alert-')).map((a) => a.action)).toEqual([
      'alert-recovered',
      'alert-fired',
    ]);
    expect(await unreadAlertCount(warehouse, 'maria')).toBe(2);
    await markAlertsRead(warehouse, 'maria');
    expect(await unreadAlertCount(warehouse, 'maria')).toBe(0);
  });

  it('retries a failing receiver with backoff, then lists the delivery as failed', async () => {
    const r = await receiver({ status: () => 503 });
    await addAlertRule(
      warehouse,
      { name: 'Churn', metric: 'churnRate', condition: 'above', threshold: 0.3, webhooks: [r.url] },
      { env: r.env, createdBy: null },
    );
    const result = await checkAlerts(warehouse, { env: r.env, trigger: 'test', retry: FAST });
    expect(result.fired).toEqual([expect.objectContaining({ value: 0.4, delivered: false })]);
    expect(r.received).toHaveLength(3);
    const failed = await failedDeliveries(warehouse);
    expect(failed).toEqual([
      expect.objectContaining({
        url: r.url,
        status: 'failed',
        attempts: 3,
        lastError: 'the receiver answered HTTP 503',
      }),
    ]);
    // The firing is recorded: a later check does not send it again on its own.
    await checkAlerts(warehouse, { env: r.env, trigger: 'test', retry: FAST });
    expect(r.received).toHaveLength(3);
  });

  it('sends nothing twice after a restart in the middle of a check', async () => {
    const r = await receiver({ hold: true });
    await addAlertRule(
      warehouse,
      { name: 'Churn', metric: 'churnRate', condition: 'above', threshold: 0.3, webhooks: [r.url] },
      { env: r.env, createdBy: null },
    );
    const db = warehouse.path;
    warehouse.close();
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, db, r.host, SECRET], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await r.waitFor(1);
    child.kill('SIGKILL');
    await exited;
    expect(r.received).toHaveLength(1);

    warehouse = await Warehouse.open(db);
    const after = await checkAlerts(warehouse, { env: r.env, trigger: 'test', retry: FAST });
    expect(after).toMatchObject({ fired: [], recovered: [] });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(r.received).toHaveLength(1);
    const failed = await failedDeliveries(warehouse);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.lastError).toMatch(/^interrupted/);
  });

  it('refuses a webhook on a host nobody allowed, and saves nothing', async () => {
    const env: AlertEnvironment = { webhookHosts: ['hooks.example.com'], webhookSecret: SECRET };
    await expect(
      addAlertRule(
        warehouse,
        {
          name: 'x',
          metric: 'churnRate',
          condition: 'above',
          threshold: 0.3,
          webhooks: ['http://169.254.169.254/latest'],
        },
        { env, createdBy: null },
      ),
    ).rejects.toMatchObject({
      field: 'webhook',
      message: expect.stringContaining('169.254.169.254 is not an allowed webhook host'),
    });
    await expect(
      addAlertRule(
        warehouse,
        {
          name: 'x',
          metric: 'churnRate',
          condition: 'above',
          threshold: 0.3,
          webhooks: ['ftp://hooks.example.com/x'],
        },
        { env, createdBy: null },
      ),
    ).rejects.toMatchObject({
      field: 'webhook',
      message: expect.stringContaining('not an http or https URL'),
    });
    await expect(
      addAlertRule(
        warehouse,
        { name: 'x', metric: 'churn' as never, condition: 'above', threshold: 1 },
        { env, createdBy: null },
      ),
    ).rejects.toMatchObject({ field: 'metric' });
    await expect(
      addAlertRule(
        warehouse,
        { name: 'x', metric: 'churnRate', condition: 'above', threshold: Number.NaN },
        { env, createdBy: null },
      ),
    ).rejects.toMatchObject({ field: 'threshold' });
    await expect(
      addAlertRule(
        warehouse,
        { name: 'x', metric: 'churnRate', condition: 'above', threshold: 1, channel: 'fax' },
        { env, createdBy: null },
      ),
    ).rejects.toMatchObject({ field: 'channel', message: expect.stringContaining('web') });
    const check = await checkAlerts(warehouse, { env, trigger: 'test' });
    expect(check.checked).toBe(0);
  });
});
