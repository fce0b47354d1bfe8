import { ALERT_METRIC_INFO, KPI_ALERT_METRICS } from '@retain/schemas';
import { figureText } from '../figureText.ts';
import type { ReportData } from './reportData.ts';
import { cohortHeatmapSvg, escapeXml, trendSvg } from './svgCharts.ts';

/** What each KPI is over, in a line (the overview's definitions, shortened). */
const DEFINITIONS: Record<(typeof KPI_ALERT_METRICS)[number], string> = {
  churnRate:
    'of customers with an order in the 90 days before the last 90, the share with none in the last 90',
  repeatRate90d: 'of customers acquired 180 to 90 days ago, the share who ordered again within 90 days',
  activeCustomers: 'customers with an order in the last 90 days',
  newCustomers: 'customers whose first order was in the last 90 days',
  revenue: 'value of orders in the last 90 days, before returns',
  netRevenueRetention12m:
    'net revenue in the last 12 months of the customers who bought in the 12 before, over theirs then',
  complaintRate: 'complaints opened in the last 90 days per order placed in them',
  returnRate: 'value returned in the last 90 days over the value ordered in them',
  medianResolutionDays: 'median days to resolve the complaints resolved in the last 90 days',
  atRiskRevenue: 'value at risk summed over the churn scores in force',
};

const cell = 'padding:6px 10px;border-bottom:1px solid #e5e7eb;';

/**
 * The executive report as one self-contained HTML page: inline styles and inline SVG only, no
 * script, no external file, so that it reads the same in a mail client, a browser and a PDF.
 */
export function renderReportHtml(data: ReportData): string {
  const k = data.kpis;
  const text = figureText(data.currency.code);
  const asOf = k.asOf ?? 'no data';
  const rows = KPI_ALERT_METRICS.map((name) => {
    const { label, kind } = ALERT_METRIC_INFO[name];
    const kpi = k.kpis[name];
    return `<tr data-kpi="${name}" data-value="${kpi.value ?? ''}">
  <td style="${cell}"><strong>${escapeXml(label)}</strong><br><span style="color:#6b7280;font-size:12px">${escapeXml(DEFINITIONS[name])}</span></td>
  <td style="${cell}text-align:right;white-space:nowrap" data-cell="value">${escapeXml(text.value(kind, kpi.value))}</td>
  <td style="${cell}text-align:right;white-space:nowrap;color:#6b7280" data-cell="previous">${escapeXml(text.value(kind, kpi.previous))}</td>
  <td style="${cell}text-align:right;white-space:nowrap" data-cell="change">${escapeXml(text.change(kind, kpi.delta))}</td>
</tr>`;
  }).join('\n');
  const atRisk = k.atRiskScores
    ? `At-risk revenue sums the churn scores of ${k.atRiskScores.asOf} by model ${k.atRiskScores.modelId} (trained on data to ${k.atRiskScores.trainedAsOf}).`
    : 'At-risk revenue: no churn scores were in force on that day.';
  const trend =
    data.trend.length > 0
      ? trendSvg(
          data.trend,
          [
            { key: 'churnRate', label: ALERT_METRIC_INFO.churnRate.label, color: '#dc2626' },
            { key: 'repeatRate90d', label: ALERT_METRIC_INFO.repeatRate90d.label, color: '#2563eb' },
            {
              key: 'netRevenueRetention12m',
              label: ALERT_METRIC_INFO.netRevenueRetention12m.label,
              color: '#059669',
              dashed: true,
            },
          ],
          'Churn rate, repeat rate and net revenue retention over time',
        )
      : '<p style="color:#6b7280">Not enough history yet: a point needs 90 days of orders behind it.</p>';
  const cohorts =
    data.cohorts.cohorts.length > 0
      ? cohortHeatmapSvg(data.cohorts, 'Monthly cohorts: share who ordered in each month since their first')
      : '<p style="color:#6b7280">No cohorts yet.</p>';
  const generated = data.generatedAt.replace('T', ' ').slice(0, 16);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Retain executive report as of ${escapeXml(asOf)}</title>
</head>
<body style="margin:0;padding:24px;background:#ffffff;color:#111827;font-family:Helvetica,Arial,sans-serif;font-size:14px;line-height:1.45">
<div style="max-width:760px;margin:0 auto">
<h1 style="font-size:22px;margin:0 0 4px">Retention report as of <span data-field="asOf">${escapeXml(asOf)}</span></h1>
<p style="margin:0 0 16px;color:#4b5563;font-size:13px" data-field="source">Data: ${escapeXml(data.database)}, data version ${data.dataVersion}, orders from ${escapeXml(k.dataStart ?? '–')} to ${escapeXml(k.dataEnd ?? '–')}. Every figure is as of ${escapeXml(asOf)}; changes are against ${escapeXml(k.previousAsOf ?? '–')}, 90 days earlier. Money in ${escapeXml(data.currency.code)}. Made ${escapeXml(generated)} UTC.</p>
<p style="font-size:16px;margin:0 0 20px;padding:12px 14px;background:#f3f4f6;border-radius:6px" data-field="summary">${escapeXml(data.summary)}</p>
<h2 style="font-size:17px;margin:24px 0 8px">Key figures</h2>
<table role="table" style="border-collapse:collapse;width:100%;font-size:14px">
<thead><tr>
  <th style="${cell}text-align:left">Figure (90 days to ${escapeXml(asOf)})</th>
  <th style="${cell}text-align:right">Value</th>
  <th style="${cell}text-align:right">90 days before</th>
  <th style="${cell}text-align:right">Change</th>
</tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p style="color:#6b7280;font-size:12px;margin:6px 0 0">Changes of shares are in percentage points. – : not computable (the window reaches back before the data, or nothing to divide by). ${escapeXml(atRisk)}</p>
<h2 style="font-size:17px;margin:28px 0 8px">Churn and repeat purchase over time</h2>
<p style="color:#6b7280;font-size:12px;margin:0 0 8px">Each point is the 90 days to that day.</p>
${trend}
<h2 style="font-size:17px;margin:28px 0 8px">Cohort retention</h2>
<p style="color:#6b7280;font-size:12px;margin:0 0 8px">Customers by month of first order (size in brackets); each cell is the share who ordered in that month after it (M1 = the next month). Faint italic cells are months not over yet.</p>
${cohorts}
</div>
</body>
</html>
`;
}
