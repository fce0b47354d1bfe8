import fs from 'node:fs';
import path from 'node:path';
import { retentionKpis } from '@retain/analytics';
import { HAND_FIXTURE, openFixture } from '@retain/analytics/testing';
import { kpisInputSchema } from '@retain/schemas';
import type { Warehouse } from '@retain/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateAlertSettings } from '../alertSettings.ts';
import { startReceiver } from '../testing/webhookReceiver.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from '../webhookDelivery.ts';
import { renderReportHtml } from './renderReportHtml.ts';
import { reportData, trendDays } from './reportData.ts';
import { trendSvg } from './svgCharts.ts';
import { runScheduledReport, writeReport } from './writeReport.ts';

let warehouse: Warehouse;
let close: () => void;
beforeAll(async () => {
  ({ warehouse, close } = await openFixture(HAND_FIXTURE));
});
afterAll(() => close?.());

const SECRET = 'report-test-secret-0123';

describe('the executive report', () => {
  it('shows every KPI as retentionKpis gives it, the as-of day, the data and the summary', async () => {
    const data = await reportData(warehouse, { now: new Date('2021-03-20T08:00:00Z') });
    const kpis = await retentionKpis(warehouse, kpisInputSchema.parse({}));
    expect(data.kpis.kpis.churnRate).toEqual(kpis.kpis.churnRate);
    const html = renderReportHtml(data);
    expect(html).toContain('Retention report as of <span data-field="asOf">2021-03-15</span>');
    expect(html).toContain('Data: test.duckdb, data version 1, orders from 2019-12-30 to 2021-03-15.');
    expect(html).toContain('changes are against 2020-12-15, 90 days earlier');
    expect(html).toContain('Made 2021-03-20 08:00 UTC');
    expect(html).toContain(data.summary);
    expect(html).toMatch(/<tr data-kpi="churnRate" data-value="0\.4[0-9]*">/);
    expect(html).toContain(
      '<td style="padding:6px 10px;border-bottom:1px solid #e5e7eb;text-align:right;white-space:nowrap" data-cell="value">40.0%</td>',
    );
    expect(html).not.toMatch(/<script|<link|url\(/);
    expect(html.match(/<svg /g)).toHaveLength(2);
  });

  it('takes its trend every 90 days, only where a whole window of data lies behind the point', () => {
    expect(trendDays('2021-03-15', '2019-12-30')).toEqual([
      '2020-06-18',
      '2020-09-16',
      '2020-12-15',
      '2021-03-15',
    ]);
  });

  it('draws a gap, not a drop to zero, where a trend figure is missing', () => {
    const svg = trendSvg(
      [
        { asOf: '2021-01-01', churnRate: 0.2, repeatRate90d: null, netRevenueRetention12m: null },
        { asOf: '2021-04-01', churnRate: null, repeatRate90d: null, netRevenueRetention12m: null },
        { asOf: '2021-07-01', churnRate: 0.3, repeatRate90d: null, netRevenueRetention12m: null },
      ],
      [{ key: 'churnRate', label: 'Churn', color: '#000' }],
      'Churn',
    );
    const path = /<path d="([^"]+)"/.exec(svg)?.[1] ?? '';
    expect(path.match(/M/g)).toHaveLength(2);
    expect(path).not.toContain('L');
  });

  it('refuses a file that is neither HTML nor PDF, and a PDF without Chromium, writing nothing', async () => {
    const dir = fs.mkdtempSync(path.join(path.dirname(warehouse.path), 'out-'));
    await expect(writeReport(warehouse, path.join(dir, 'r.docx'))).rejects.toMatchObject({ field: 'out' });
    await expect(
      writeReport(warehouse, path.join(dir, 'r.pdf'), { chromium: path.join(dir, 'no-chromium') }),
    ).rejects.toThrow(/a PDF needs Chromium/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('on its schedule, is written to the folder and posted, signed, to the report webhook', async () => {
    const receiver = await startReceiver();
    try {
      const env = { webhookHosts: [receiver.host], webhookSecret: SECRET };
      const folder = path.join(path.dirname(warehouse.path), 'reports');
      await updateAlertSettings(warehouse, { reportFolder: folder, reportWebhook: receiver.url }, env);
      const done = await runScheduledReport(warehouse, env, {
        retry: { attempts: 1, baseDelayMs: 1, timeoutMs: 5_000 },
      });
      expect(done).toEqual({ file: path.join(folder, 'retain-report-2021-03-15.html'), posted: true });
      expect(fs.readFileSync(done.file ?? '', 'utf8')).toContain('data-field="summary"');
      expect(receiver.received).toHaveLength(1);
      const hit = receiver.received[0];
      const body = JSON.parse(hit?.body ?? '{}');
      expect(body).toMatchObject({ event: 'report', asOf: '2021-03-15', dataVersion: 1 });
      expect(body.text).toMatch(/^Retain report as of 2021-03-15: Retention is/);
      expect(body.html).toContain('<svg');
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
    } finally {
      await receiver.close();
    }
  });
});
