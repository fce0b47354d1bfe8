import { describe, expect, it } from 'vitest';
import { reportBytes, reportSavedText } from './reportDownload.ts';

describe('the report download', () => {
  it('turns the base64 the API sends back into the file’s bytes, PDF and UTF-8 HTML alike', () => {
    expect(Array.from(reportBytes(btoa('%PDF-1.7')))).toEqual([37, 80, 68, 70, 45, 49, 46, 55]);
    const html = '<p>Churn 12.3% · €1,200</p>';
    const base64 = Buffer.from(html, 'utf8').toString('base64');
    expect(new TextDecoder().decode(reportBytes(base64))).toBe(html);
    expect(reportBytes('')).toHaveLength(0);
  });

  it('says which file was saved and what data it reflects', () => {
    expect(
      reportSavedText({ filename: 'retain-report-2021-03-15.pdf', asOf: '2021-03-15', dataVersion: 3 }),
    ).toBe('Saved retain-report-2021-03-15.pdf: the report as of 2021-03-15, data version 3.');
    expect(reportSavedText({ filename: 'retain-report-empty.html', asOf: null, dataVersion: 0 })).toBe(
      'Saved retain-report-empty.html: no orders are loaded yet (data version 0).',
    );
  });
});
