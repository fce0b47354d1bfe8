import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Warehouse } from '@retain/warehouse';
import { AlertInputError } from '../errors.ts';
import { renderReportHtml } from './renderReportHtml.ts';
import { reportData } from './reportData.ts';
import { CHROMIUM_CANDIDATES, findChromium, htmlToPdf, type ReportOptions } from './writeReport.ts';

export type ReportFormat = 'html' | 'pdf';

/** The executive report made now, as bytes to hand to someone (the dashboard's download). */
export interface ReportDocument {
  format: ReportFormat;
  /** `retain-report-<as-of>.html|pdf`, as the scheduled report names its file. */
  filename: string;
  contentType: string;
  content: Buffer;
  asOf: string | null;
  dataVersion: number;
  summary: string;
}

/** The formats this machine can make: PDF only where Chromium is installed. */
export function reportFormats(chromium?: string): { html: true; pdf: boolean } {
  return { html: true, pdf: findChromium(chromium) !== null };
}

/**
 * The same page `retain report` writes, returned instead of written: HTML as it is, or printed to
 * PDF by Chromium in a scratch folder that is removed afterwards.
 */
export async function makeReportDocument(
  warehouse: Warehouse,
  format: ReportFormat,
  options: ReportOptions = {},
): Promise<ReportDocument> {
  const chromium = format === 'pdf' ? findChromium(options.chromium) : null;
  if (format === 'pdf' && !chromium)
    throw new AlertInputError(
      'format',
      `format: a PDF needs Chromium on the server, and none was found (${options.chromium ?? CHROMIUM_CANDIDATES.join(', ')}); download the HTML report`,
    );
  const data = await reportData(warehouse, options);
  const html = renderReportHtml(data);
  let content: Buffer;
  if (chromium) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retain-report-'));
    try {
      const file = path.join(dir, 'report.pdf');
      await htmlToPdf(html, file, chromium);
      content = fs.readFileSync(file);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  } else content = Buffer.from(html, 'utf8');
  return {
    format,
    filename: `retain-report-${data.kpis.asOf ?? 'empty'}.${format}`,
    contentType: format === 'pdf' ? 'application/pdf' : 'text/html; charset=utf-8',
    content,
    asOf: data.kpis.asOf,
    dataVersion: data.dataVersion,
    summary: data.summary,
  };
}
