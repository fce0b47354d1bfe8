import { type Kpi, type KpiName, type Kpis, kpisInputSchema } from '@retain/schemas';
import type { Command } from 'commander';
import { renderTable } from '../output/table.ts';
import {
  type AnalyticsFlags,
  addAnalyticsOptions,
  filtersFromFlags,
  formatDecimal,
  formatShare,
  parseInput,
  withAnalytics,
} from './analyticsOptions.ts';

interface KpiFlags extends AnalyticsFlags {
  asOf?: string;
}

export function registerKpis(program: Command): void {
  addAnalyticsOptions(
    program
      .command('kpis')
      .description('Retention KPIs over the 90 days to a date, each beside the 90 days before.')
      .option('--as-of <date>', 'the last day counted (YYYY-MM-DD); default: the end of the data'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ retain kpis
  $ retain kpis --as-of 2024-06-30 --channel web --json

A figure whose windows reach back before the first order in the data is null. JSON: {"asOf",
"previousAsOf","windowDays","dataStart","dataEnd","kpis":{"activeCustomers":{"value","previous",
"delta"},…}} (see README.md, "Retention analytics").`,
    )
    .action(async (flags: KpiFlags) => {
      const input = parseInput(kpisInputSchema, { asOf: flags.asOf, filters: filtersFromFlags(flags) });
      const kpis = await withAnalytics(flags.db, (api) => api.overview.kpis(input), input.filters);
      console.log(flags.json ? JSON.stringify(kpis) : renderKpis(kpis));
    });
}

const money = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const count = (v: number | null) => (v === null ? '–' : money.format(v));
const signed = (text: string, v: number | null) => (v !== null && v > 0 ? `+${text}` : text);

/** How each KPI reads: its label, and how its value and change are written. */
const ROWS: ReadonlyArray<[KpiName, string, (v: number | null) => string, (v: number | null) => string]> = [
  ['activeCustomers', 'Active customers (ordered in the last 90 days)', count, count],
  ['newCustomers', 'New customers', count, count],
  [
    'repeatRate90d',
    '90-day repeat-purchase rate',
    formatShare,
    (v) => (v === null ? '–' : `${formatDecimal(v * 100)} pt`),
  ],
  ['churnRate', 'Churn rate', formatShare, (v) => (v === null ? '–' : `${formatDecimal(v * 100)} pt`)],
  ['revenue', 'Revenue', count, count],
  [
    'netRevenueRetention12m',
    '12-month net revenue retention',
    formatShare,
    (v) => (v === null ? '–' : `${formatDecimal(v * 100)} pt`),
  ],
  [
    'complaintRate',
    'Complaints per order',
    formatShare,
    (v) => (v === null ? '–' : `${formatDecimal(v * 100)} pt`),
  ],
  ['medianResolutionDays', 'Median days to resolve a complaint', formatDecimal, formatDecimal],
  [
    'returnRate',
    'Return rate (returned / revenue)',
    formatShare,
    (v) => (v === null ? '–' : `${formatDecimal(v * 100)} pt`),
  ],
  ['atRiskRevenue', 'At-risk revenue (churn model)', count, count],
];

function renderKpis(k: Kpis): string {
  if (k.asOf === null) return 'No orders in the data.';
  const row = ([name, label, value, change]: (typeof ROWS)[number]) => {
    const kpi: Kpi = k.kpis[name];
    return [label, value(kpi.value), value(kpi.previous), signed(change(kpi.delta), kpi.delta)];
  };
  return [
    `KPIs over the ${k.windowDays} days to ${k.asOf}, beside the ${k.windowDays} days to ${k.previousAsOf}.`,
    '',
    renderTable(['', 'value', 'previous', 'change'], ROWS.map(row)),
    '',
    '– not computable: the window reaches back before the data, or nothing to divide by.',
  ].join('\n');
}
