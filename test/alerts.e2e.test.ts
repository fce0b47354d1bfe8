import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from '@retain/alerts';
import { startReceiver } from '@retain/alerts/testing';
import type { RouterOutputs } from '@retain/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, screenshot } from './support/browser.ts';
import { apiMutation, apiQuery, downloadText, waitFor } from './support/dashboard.ts';
import { demoDashboard } from './support/demoDashboard.ts';
import { REPO_ROOT } from './support/retainServer.ts';

type Kpis = RouterOutputs['overview']['kpis'];
type Check = RouterOutputs['alerts']['check'];

const SECRET = 'e2e-webhook-secret-0123456789';
/** The dashboard's answers, rendered: a check sends webhooks and retries a failing one (3.5 s). */
const POLL = { timeout: 15_000 };
const RETAIN = path.join(REPO_ROOT, 'apps', 'cli', 'bin', 'retain.js');

/**
 * Alerts as people meet them, on a desktop and a 400 px phone, against one demo server (3,000
 * customers) whose allowed webhook hosts are two local receivers (one that answers, one that
 * fails): a new alert previews its figure and whether it would fire, refuses a bad threshold and a
 * host nobody allowed beside their fields, is saved, fires once on Check now with a signed
 * delivery, shows in the history and as an unread count in the navigation; the failing receiver's
 * delivery is retried and then listed for the admin; a malformed cron schedule is refused; Download
 * report saves the executive report (HTML, and PDF) with the API's as-of day and figures. Last,
 * the server stops and `retain report` writes the executive report, which renders in Chromium with
 * the API's numbers.
 */
describe.skipIf(!chromiumAvailable)('alerts and the executive report', () => {
  let good: Awaited<ReturnType<typeof startReceiver>>;
  let bad: Awaited<ReturnType<typeof startReceiver>>;
  let kpis: Kpis;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retain-alerts-e2e-'));

  // The receivers first: the server is told their hosts. After hooks run in reverse, so the
  // server stops before they close.
  beforeAll(async () => {
    good = await startReceiver();
    bad = await startReceiver({ status: () => 500 });
  });
  afterAll(async () => {
    await good?.close();
    await bad?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const demo = demoDashboard(() => ({
    customers: 3000,
    db: path.join(dir, 'retain.duckdb'),
    env: { RETAIN_WEBHOOK_HOSTS: `${good.host},${bad.host}`, RETAIN_WEBHOOK_SECRET: SECRET },
  }));
  beforeAll(async () => {
    kpis = await apiQuery<Kpis>(demo.server, 'overview.kpis', {});
  });

  it('desktop: a new alert previews, refuses bad fields beside them, saves, fires once with a signed webhook, and shows in the history', async () => {
    const page = demo.pages.desktop;
    await page.goto(`${demo.server.url}/alerts`);
    await page.getByTestId('no-rules').waitFor();
    await page.getByTestId('alert-name').fill('Churn over 10%');
    await page.getByTestId('alert-threshold').fill('lots');
    await page.getByTestId('alert-save').click();
    await expect
      .poll(() => page.getByTestId('alert-threshold-hint').textContent(), POLL)
      .toBe('Threshold "lots" is not a number.');

    await page.getByTestId('alert-threshold').fill('10%');
    const churn = kpis.kpis.churnRate.value ?? 0;
    const expected = `Churn rate (active customers) is ${(churn * 100).toFixed(1)}%, above 10.0% (as of ${kpis.asOf})`;
    await expect.poll(() => page.getByTestId('alert-preview').textContent(), POLL).toContain(expected);
    expect(await page.getByTestId('alert-preview').textContent()).toContain('It would fire now.');

    await page.getByTestId('alert-webhooks').fill('http://10.0.0.1/hook');
    await page.getByTestId('alert-save').click();
    await expect
      .poll(() => page.getByTestId('alert-webhook-error').textContent(), POLL)
      .toContain('10.0.0.1 is not an allowed webhook host');
    expect(await page.locator('[data-testid=rules-table]').count()).toBe(0);
    await screenshot(page, 'alerts-refused-desktop');

    await page.getByTestId('alert-webhooks').fill(good.url);
    await page.getByTestId('alert-save').click();
    await page.getByTestId('rules-table').waitFor();
    expect(await page.getByTestId('alert-saved').textContent()).toBe('Saved “Churn over 10%”.');
    expect(await page.locator('[data-testid=rules-table] tbody tr').first().textContent()).toContain(
      'Churn rate (active customers) is above 10.0%',
    );

    await page.getByTestId('check-now').click();
    await expect
      .poll(() => page.getByTestId('check-status').textContent(), POLL)
      .toBe('Checked 1 rule: 1 fired, 0 recovered.');
    expect(good.received).toHaveLength(1);
    const hit = good.received[0];
    const body = JSON.parse(hit?.body ?? '{}');
    expect(body).toMatchObject({ event: 'alert.fired', period: kpis.asOf, value: churn });
    expect(body.text).toBe(`Retain alert “Churn over 10%”: ${expected}.`);
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
    await page.locator('[data-testid=history-table] tr[data-kind=fired]').waitFor();
    expect(await page.locator('[data-testid=history-table] tbody').textContent()).toContain(
      '1 of 1 delivered',
    );

    // Checked again: recorded for this period, so nothing is sent twice.
    await page.getByTestId('check-now').click();
    await expect
      .poll(() => page.getByTestId('check-status').textContent(), POLL)
      .toBe('Checked 1 rule: 0 fired, 0 recovered.');
    expect(good.received).toHaveLength(1);
    await screenshot(page, 'alerts-desktop');
  });

  it('phone: a change rule on a failing receiver fires, its delivery is retried and listed, and Alerts shows it unread', async () => {
    const page = demo.pages.phone;
    await page.goto(`${demo.server.url}/alerts`);
    await page.getByTestId('new-alert').waitFor();
    await page.getByTestId('alert-name').fill('Revenue swing');
    await page.getByTestId('alert-metric').selectOption('revenue');
    await page.getByTestId('alert-condition').selectOption('changeAbove');
    await page.getByTestId('alert-threshold').fill('0%');
    await page.getByTestId('alert-webhooks').fill(bad.url);
    await expect
      .poll(() => page.getByTestId('alert-preview').textContent(), POLL)
      .toContain('Revenue (90 d) moved');
    await page.getByTestId('alert-save').click();
    await page.locator('[data-testid=rules-table] tbody tr', { hasText: 'Revenue swing' }).waitFor();
    await screenshot(page, 'alerts-phone');

    // A check from elsewhere (the API, as the scheduler would): the phone is on another page.
    await page.goto(`${demo.server.url}/`);
    const result = await apiMutation<Check>(demo.server, 'alerts.check', undefined);
    // Any change of revenue is more than 0 %: the demo's revenue is never flat to the cent.
    expect(kpis.kpis.revenue.delta).not.toBe(0);
    expect(result.fired.map((f) => f.name)).toEqual(['Revenue swing']);
    expect(result.fired[0]?.delivered).toBe(false);
    expect(bad.received.length).toBe(4);

    // The count is asked for on each page load (and every minute): someone opening the dashboard.
    await page.reload();
    await page.getByTestId('menu-button').click();
    await expect.poll(() => page.getByTestId('alerts-unread').textContent(), POLL).toBe('1 unread');
    await screenshot(page, 'alerts-unread-phone', { fullPage: false });
    await page.getByRole('link', { name: /Alerts/ }).click();
    await page.getByTestId('failed-table').waitFor();
    expect(await page.getByTestId('failed-table').textContent()).toContain('the receiver answered HTTP 500');
    await waitFor(
      async () => ((await page.locator('[data-testid=alerts-unread]').count()) === 0 ? true : undefined),
      10_000,
      'the unread count to go',
    );
    await screenshot(page, 'alerts-failed-phone');
  });

  it('desktop: the admin settings refuse a malformed cron schedule beside its field and save hosts', async () => {
    const page = demo.pages.desktop;
    await page.goto(`${demo.server.url}/alerts`);
    await page.getByTestId('alert-settings').waitFor();
    await page.getByTestId('settings-checkSchedule').fill('61 * * * *');
    await page.getByTestId('settings-save').click();
    await expect
      .poll(() => page.getByTestId('settings-checkSchedule-error').textContent(), POLL)
      .toContain('"61 * * * *" is not a cron expression');
    await page.getByTestId('settings-checkSchedule').fill('*/15 * * * *');
    await page.getByTestId('settings-hosts').fill('hooks.slack.com');
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByTestId('settings-status').textContent(), POLL).toBe('Saved.');
    const saved = await apiQuery<{ checkSchedule: string; webhookHosts: string[] }>(
      demo.server,
      'alerts.settings',
    );
    expect(saved).toMatchObject({ checkSchedule: '*/15 * * * *', webhookHosts: ['hooks.slack.com'] });
    await screenshot(page, 'alerts-settings-desktop');
  });

  for (const viewport of ['desktop', 'phone'] as const) {
    it(`${viewport}: Download report saves the executive report with the API’s as-of day and figures`, async () => {
      const page = demo.pages[viewport];
      await page.goto(`${demo.server.url}/alerts`);
      await page.getByTestId('executive-report').waitFor();
      const api = await apiQuery<Kpis>(demo.server, 'overview.kpis', {});
      const info = await apiQuery<{ dataVersion: number }>(demo.server, 'info.get');
      const html = await downloadText(page, () => page.getByTestId('report-download-html').click());
      expect(html.name).toBe(`retain-report-${api.asOf}.html`);
      await expect
        .poll(() => page.getByTestId('report-download-status').textContent(), POLL)
        .toBe(`Saved ${html.name}: the report as of ${api.asOf}, data version ${info.dataVersion}.`);
      await page.getByTestId('executive-report').scrollIntoViewIfNeeded();
      await screenshot(page, `alerts-report-download-${viewport}`, { fullPage: false });

      // The saved file, opened as a person would: the as-of day and the churn rate are the API's.
      const file = await page.context().newPage();
      await file.setContent(html.text);
      expect(await file.locator('[data-field=asOf]').textContent()).toBe(api.asOf);
      const churn = api.kpis.churnRate.value ?? 0;
      expect(await file.locator('tr[data-kpi=churnRate]').getAttribute('data-value')).toBe(String(churn));
      expect(await file.locator('tr[data-kpi=churnRate] [data-cell=value]').textContent()).toBe(
        `${(churn * 100).toFixed(1)}%`,
      );
      expect(await file.locator('tr[data-kpi=repeatRate90d]').getAttribute('data-value')).toBe(
        String(api.kpis.repeatRate90d.value ?? ''),
      );
      await file.close();

      // The server has Chromium (the one these tests run), so it offers the PDF too.
      if (viewport === 'desktop') {
        const pdf = await downloadText(page, () => page.getByTestId('report-download-pdf').click());
        expect(pdf.name).toBe(`retain-report-${api.asOf}.pdf`);
        expect(pdf.text.slice(0, 5)).toBe('%PDF-');
        const [entry] = await apiQuery<Array<{ action: string; detail: Record<string, unknown> }>>(
          demo.server,
          'audit.list',
          { action: 'export', limit: 1 },
        );
        expect(entry?.detail).toMatchObject({ export: 'report', format: 'pdf', asOf: api.asOf });
      }
    });
  }

  it('the report: written by retain report, it renders in Chromium with the API’s numbers and says what it reflects', async () => {
    // The figures as the API gives them when the server stops (its first model may have scored
    // customers since the start: at-risk revenue with it).
    const final = await apiQuery<Kpis>(demo.server, 'overview.kpis', {});
    await demo.server.stop();
    const html = path.join(dir, 'weekly.html');
    const pdf = path.join(dir, 'weekly.pdf');
    for (const out of [html, pdf]) {
      const run = spawnSync(process.execPath, [RETAIN, 'report', '--db', demo.server.db, '--out', out], {
        encoding: 'utf8',
      });
      expect(run.status, run.stderr).toBe(0);
    }
    expect(fs.readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    const page = demo.pages.desktop;
    await page.goto(`file://${html}`);
    expect(await page.locator('[data-field=asOf]').textContent()).toBe(final.asOf);
    expect(await page.locator('[data-field=source]').textContent()).toContain(
      `Every figure is as of ${final.asOf}`,
    );
    for (const [name, kpi] of Object.entries(final.kpis)) {
      expect(await page.locator(`tr[data-kpi=${name}]`).getAttribute('data-value'), name).toBe(
        String(kpi.value ?? ''),
      );
    }
    const churn = final.kpis.churnRate.value ?? 0;
    expect(await page.locator('tr[data-kpi=churnRate] [data-cell=value]').textContent()).toBe(
      `${(churn * 100).toFixed(1)}%`,
    );
    expect(await page.locator('svg').count()).toBe(2);
    expect(await page.locator('svg path').count()).toBeGreaterThan(0);
    await screenshot(page, 'report-desktop');
    await demo.pages.phone.goto(`file://${html}`);
    await screenshot(demo.pages.phone, 'report-phone');
  });
});
