import { startReceiver } from '@retain/alerts/testing';
import { HAND_FIXTURE, openFixture } from '@retain/analytics/testing';
import type { Warehouse } from '@retain/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../context.ts';
import { callerFor } from '../testing/callerFor.ts';

let warehouse: Warehouse;
let close: () => void;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let services: ReturnType<typeof createServices>;
beforeAll(async () => {
  ({ warehouse, close } = await openFixture(HAND_FIXTURE));
  receiver = await startReceiver();
  services = createServices(warehouse, {
    authRequired: true,
    alertEnv: { webhookHosts: [], webhookSecret: 'router-test-secret-0123', chromium: undefined },
  });
});
afterAll(async () => {
  await receiver?.close();
  close?.();
});

describe('alerts router', () => {
  it('previews a rule with the same figure as overview.kpis, then saves, checks and lists it', async () => {
    const exec = callerFor(warehouse, 'executive', services);
    const rule = { name: 'Churn up', metric: 'churnRate', condition: 'above', threshold: 0.3 } as const;
    const preview = await exec.alerts.preview(rule);
    const kpis = await exec.overview.kpis({});
    expect(preview.now).toMatchObject({
      value: kpis.kpis.churnRate.value,
      breached: true,
      period: kpis.asOf,
    });
    const saved = await exec.alerts.add(rule);
    expect(saved).toMatchObject({ name: 'Churn up', createdBy: 'test-executive', firing: false });
    expect(await exec.alerts.unread()).toEqual({ count: 0 });

    const admin = callerFor(warehouse, 'admin', services);
    const check = await admin.alerts.check();
    expect(check.fired).toEqual([
      expect.objectContaining({ ruleId: saved.ruleId, value: kpis.kpis.churnRate.value }),
    ]);
    expect(await exec.alerts.unread()).toEqual({ count: 1 });
    expect((await exec.alerts.history({})).map((e) => e.kind)).toEqual(['fired']);
    await exec.alerts.markRead();
    expect(await exec.alerts.unread()).toEqual({ count: 0 });
    expect((await exec.alerts.rules()).map((r) => [r.ruleId, r.firing])).toEqual([[saved.ruleId, true]]);
    await exec.alerts.remove({ ruleId: saved.ruleId });
    expect(await exec.alerts.rules()).toEqual([]);
  });

  it('keeps webhooks to hosts an admin allowed: a non-admin can neither target others nor change the list', async () => {
    const analyst = callerFor(warehouse, 'analyst', services);
    const admin = callerFor(warehouse, 'admin', services);
    const rule = {
      name: 'Hook',
      metric: 'activeCustomers' as const,
      condition: 'below' as const,
      threshold: 20,
      webhooks: [receiver.url],
    };
    await expect(analyst.alerts.add(rule)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('is not an allowed webhook host'),
    });
    await expect(analyst.alerts.updateSettings({ webhookHosts: [receiver.host] })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(admin.alerts.updateSettings({ checkSchedule: '61 * * * *' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('checkSchedule: "61 * * * *" is not a cron expression'),
    });
    const settings = await admin.alerts.updateSettings({ webhookHosts: [receiver.host] });
    expect(settings).toMatchObject({
      webhookHosts: [receiver.host],
      checkSchedule: '0 * * * *',
      secretFromEnvironment: true,
    });
    const saved = await analyst.alerts.add(rule);
    expect(saved.webhooks).toEqual([receiver.url]);
    await admin.alerts.check();
    expect(receiver.received).toHaveLength(1);
    expect(await admin.alerts.failedDeliveries()).toEqual([]);
  });

  it('refuses a metric that is not one, naming the choices', async () => {
    const exec = callerFor(warehouse, 'executive', services);
    await expect(
      exec.alerts.add({ name: 'x', metric: 'nope' as never, condition: 'above', threshold: 1 }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('metric must be one of churnRate'),
    });
  });

  it('hands an executive the report now, with overview.kpis’ figures, and audits it; a PDF without Chromium is refused', async () => {
    const exec = callerFor(warehouse, 'executive', services);
    const kpis = await exec.overview.kpis({});
    const report = await exec.alerts.report({ format: 'html' });
    expect(report).toMatchObject({
      filename: `retain-report-${kpis.asOf}.html`,
      contentType: 'text/html; charset=utf-8',
      asOf: kpis.asOf,
      dataVersion: await warehouse.dataVersion(),
    });
    const html = Buffer.from(report.base64, 'base64').toString('utf8');
    expect(html).toContain(`<span data-field="asOf">${kpis.asOf}</span>`);
    for (const [name, kpi] of Object.entries(kpis.kpis))
      expect(html, name).toContain(`data-kpi="${name}" data-value="${kpi.value ?? ''}"`);
    const admin = callerFor(warehouse, 'admin', services);
    const [entry] = await admin.audit.list({ action: 'export', limit: 1 });
    expect(entry).toMatchObject({
      username: 'test-executive',
      detail: { export: 'report', format: 'html', asOf: kpis.asOf },
    });

    const noChromium = createServices(warehouse, {
      authRequired: true,
      alertEnv: { webhookHosts: [], webhookSecret: 'router-test-secret-0123', chromium: '/nowhere/chromium' },
    });
    const execHere = callerFor(warehouse, 'executive', noChromium);
    expect(await execHere.alerts.reportFormats()).toEqual({ html: true, pdf: false });
    await expect(execHere.alerts.report({ format: 'pdf' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('format: a PDF needs Chromium on the server'),
    });
  });
});
