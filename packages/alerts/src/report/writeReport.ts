import fs from 'node:fs';
import path from 'node:path';
import type { Warehouse } from '@retain/warehouse';
import { type AlertEnvironment, alertSettings } from '../alertSettings.ts';
import { AlertInputError } from '../errors.ts';
import {
  bodyFor,
  DEFAULT_RETRY,
  deliverPending,
  queueDelivery,
  type RetryPolicy,
} from '../webhookDelivery.ts';
import { renderReportHtml } from './renderReportHtml.ts';
import { type ReportData, reportData } from './reportData.ts';

/** Where Chromium is looked for when no path is given. */
export const CHROMIUM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];

export function findChromium(given?: string): string | null {
  if (given) return fs.existsSync(given) ? given : null;
  return CHROMIUM_CANDIDATES.find((p) => fs.existsSync(p)) ?? null;
}

export interface ReportOptions {
  /** RETAIN_CURRENCY, over the data's currency. */
  currency?: string | null;
  /** Chromium for PDFs (RETAIN_CHROMIUM); default: the usual places. */
  chromium?: string | undefined;
  now?: Date;
}

export interface WrittenReport {
  file: string;
  format: 'html' | 'pdf';
  asOf: string | null;
  dataVersion: number;
  summary: string;
}

function formatOf(out: string): 'html' | 'pdf' {
  const ext = path.extname(out).toLowerCase();
  if (ext === '.html' || ext === '.htm') return 'html';
  if (ext === '.pdf') return 'pdf';
  throw new AlertInputError('out', `out: "${out}" must end in .html or .pdf`);
}

/** Writes `content` beside `file` and renames it into place: a stopped write leaves no half file. */
async function writeWhole(file: string, write: (temporary: string) => Promise<void>): Promise<void> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.part`);
  try {
    await write(temporary);
    fs.renameSync(temporary, file);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/** Prints HTML to PDF in headless Chromium (A4, backgrounds kept). */
export async function htmlToPdf(html: string, file: string, chromium: string): Promise<void> {
  const { chromium: launcher } = await import('playwright-core');
  const browser = await launcher.launch({
    executablePath: chromium,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    await page.pdf({
      path: file,
      format: 'A4',
      printBackground: true,
      margin: { top: '12mm', bottom: '12mm' },
    });
  } finally {
    await browser.close();
  }
}

/** Makes the report now and writes it to `out` (.html, or .pdf where Chromium is installed). */
export async function writeReport(
  warehouse: Warehouse,
  out: string,
  options: ReportOptions = {},
): Promise<WrittenReport> {
  const format = formatOf(out);
  const file = path.resolve(out);
  if (!fs.existsSync(path.dirname(file)))
    throw new AlertInputError('out', `out: the folder ${path.dirname(file)} does not exist`);
  const chromium = format === 'pdf' ? findChromium(options.chromium) : null;
  if (format === 'pdf' && !chromium) {
    throw new AlertInputError(
      'out',
      `out: a PDF needs Chromium, and none was found (${options.chromium ?? CHROMIUM_CANDIDATES.join(', ')}); install it, set RETAIN_CHROMIUM, or write .html`,
    );
  }
  const data = await reportData(warehouse, options);
  const html = renderReportHtml(data);
  await writeWhole(file, async (temporary) => {
    if (format === 'html') fs.writeFileSync(temporary, html);
    else await htmlToPdf(html, temporary, chromium as string);
  });
  return { file, format, asOf: data.kpis.asOf, dataVersion: data.dataVersion, summary: data.summary };
}

/** The body a report is posted to a webhook with: its sentence as text, the figures, the page. */
export function reportMessage(data: ReportData, html: string) {
  return {
    text: `Retain report as of ${data.kpis.asOf ?? 'no data'}: ${data.summary}`,
    event: 'report',
    asOf: data.kpis.asOf,
    dataVersion: data.dataVersion,
    summary: data.summary,
    kpis: data.kpis.kpis,
    html,
  };
}

/**
 * The scheduled report: written to the settings' folder as retain-report-<as-of>.html and/or posted
 * to the settings' webhook (through the outbox, so a failed post is retried and then listed).
 */
export async function runScheduledReport(
  warehouse: Warehouse,
  env: AlertEnvironment,
  options: ReportOptions & { retry?: RetryPolicy } = {},
): Promise<{ file: string | null; posted: boolean | null }> {
  const settings = await alertSettings(warehouse, env);
  if (!settings.reportFolder && !settings.reportWebhook) return { file: null, posted: null };
  const data = await reportData(warehouse, options);
  const html = renderReportHtml(data);
  let file: string | null = null;
  if (settings.reportFolder) {
    fs.mkdirSync(settings.reportFolder, { recursive: true });
    file = path.join(settings.reportFolder, `retain-report-${data.kpis.asOf ?? 'empty'}.html`);
    await writeWhole(file, async (temporary) => fs.writeFileSync(temporary, html));
  }
  let posted: boolean | null = null;
  if (settings.reportWebhook) {
    const url = settings.reportWebhook;
    const id = await queueDelivery(warehouse, {
      subject: 'report',
      url,
      body: bodyFor(url, reportMessage(data, html)),
    });
    posted = (await deliverPending(warehouse, env, options.retry ?? DEFAULT_RETRY)).get(id) ?? false;
  }
  return { file, posted };
}
