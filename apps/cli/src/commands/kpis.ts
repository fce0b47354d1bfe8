import fs from 'node:fs';
import {
  KPI_LABELS,
  type Kpi,
  type KpiName,
  type KpiPopulation,
  type Kpis,
  kpisInputSchema,
  resolveCurrency,
} from '@retain/schemas';
import type { Command } from 'commander';
import { env, resolveDb } from '../env.ts';
import { formatMoneyIn } from '../output/money.ts';
import { renderTable } from '../output/table.ts';
import { withWarehouse } from '../warehouse.ts';
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
      const [{ kpisReport, engineDataCurrency }, { dataCurrency }] = await Promise.all([
        import('@retain/workflows'),
        import('@retain/warehouse'),
      ]);
      const [kpis, currency] = await withAnalytics(
        flags,
        async (source, warehouse, engine) =>
          [
            // On a cluster the churn scores are in the local file (retain train --engine), when it exists.
            engine && fs.existsSync(resolveDb(flags.db))
              ? await withWarehouse(flags.db, (scores) => kpisReport(source, input, { scores }))
              : await kpisReport(source, input),
            // RETAIN_CURRENCY, else the currency stored with the facts (the file's load, or the
            // cluster's mapping), else the default.
            engine
              ? await engineDataCurrency(engine.db, env.currency)
              : warehouse
                ? await dataCurrency(warehouse, env.currency)
                : resolveCurrency(env.currency, null),
          ] as const,
        input.filters,
      );
      console.log(flags.json ? JSON.stringify(kpis) : renderKpis(kpis, formatMoneyIn(currency.code)));
    });
}

const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const count = (v: number | null) => (v === null ? '–' : whole.format(v));
/** Marks the rows written in money; they are formatted with the data's currency when rendered. */
const MONEY = (v: number | null) => count(v);
const signed = (text: string, v: number | null) => (v !== null && v > 0 ? `+${text}` : text);

const points = (v: number | null) => (v === null ? '–' : `${formatDecimal(v * 100)} pt`);

/** How each KPI is written: its value and its change (labels are the dashboard's, KPI_LABELS). */
const ROWS: ReadonlyArray<[KpiName, (v: number | null) => string, (v: number | null) => string]> = [
  ['activeCustomers', count, count],
  ['newCustomers', count, count],
  ['repeatRate90d', formatShare, points],
  ['churnRate', formatShare, points],
  ['revenue', MONEY, MONEY],
  ['netRevenueRetention12m', formatShare, points],
  ['complaintRate', formatShare, points],
  ['medianResolutionDays', formatDecimal, formatDecimal],
  ['returnRate', formatShare, points],
  ['atRiskRevenue', MONEY, MONEY],
];

const days = (p: KpiPopulation) => `${p.from} … ${p.to}`;
const people = (p: KpiPopulation) => `${count(p.customers)} customers`;

/** What each figure is over, as of the date: the definitions beside the numbers. */
export function kpiDefinitions(k: Kpis): string[] {
  const { churnRate, repeatRate90d, netRevenueRetention12m } = k.populations;
  const end = k.asOf ?? '';
  const lines = [
    `${KPI_LABELS.activeCustomers}: customers with an order in the 90 days to ${end}.`,
    churnRate
      ? `${KPI_LABELS.churnRate}: of the ${people(churnRate)} with an order in ${days(churnRate)}, the share with none in the 90 days to ${end}.`
      : `${KPI_LABELS.churnRate}: needs 180 days of data before ${end}.`,
    repeatRate90d
      ? `${KPI_LABELS.repeatRate90d}: of the ${people(repeatRate90d)} whose first order was in ${days(repeatRate90d)}, the share with a second order within 90 days of it (retain repeat --within 90 pools every cohort).`
      : `${KPI_LABELS.repeatRate90d}: needs 180 days of data before ${end}.`,
    netRevenueRetention12m
      ? `${KPI_LABELS.netRevenueRetention12m}: the ${people(netRevenueRetention12m)} who bought in ${days(netRevenueRetention12m)}: their net revenue in the 12 months to ${end} over theirs then.`
      : `${KPI_LABELS.netRevenueRetention12m}: needs two years of data before ${end}.`,
    k.atRiskScores
      ? `${KPI_LABELS.atRiskRevenue}: value at risk summed over model ${k.atRiskScores.modelId}'s scores as of ${k.atRiskScores.asOf} (trained on data to ${k.atRiskScores.trainedAsOf}).`
      : k.modelHasScored
        ? `${KPI_LABELS.atRiskRevenue}: no churn scores for ${end} (none made by then by a model trained on data to that day, or their horizon had passed).`
        : `${KPI_LABELS.atRiskRevenue}: no churn model has scored customers yet (retain train).`,
  ];
  return lines;
}

function renderKpis(k: Kpis, money: (v: number | null) => string): string {
  if (k.asOf === null) return 'No orders in the data.';
  const row = ([name, writeValue, writeChange]: (typeof ROWS)[number]) => {
    const kpi: Kpi = k.kpis[name];
    const value = writeValue === MONEY ? money : writeValue;
    const change = writeChange === MONEY ? money : writeChange;
    return [KPI_LABELS[name], value(kpi.value), value(kpi.previous), signed(change(kpi.delta), kpi.delta)];
  };
  return [
    `KPIs over the ${k.windowDays} days to ${k.asOf}, beside the ${k.windowDays} days to ${k.previousAsOf}.`,
    '',
    renderTable(['', 'value', 'previous', 'change'], ROWS.map(row)),
    '',
    ...kpiDefinitions(k),
    '',
    '– not computable: the window reaches back before the data, or nothing to divide by.',
  ].join('\n');
}
