import { type CohortMatrix, cohortMatrixInputSchema, csvLine } from '@retain/schemas';
import type { Command } from 'commander';
import { UsageError } from '../output/errors.ts';
import {
  type AnalyticsFlags,
  addAnalyticsOptions,
  filtersFromFlags,
  formatDecimal,
  formatShare,
  parseInput,
  withAnalytics,
} from './analyticsOptions.ts';

interface CohortFlags extends AnalyticsFlags {
  period: string;
  metric: string;
  mode: string;
  net?: boolean;
  by?: string;
  minSize: string;
  maxOffset?: string;
  csv?: boolean;
  forecast?: boolean;
  through?: string;
}

export function registerCohorts(program: Command): void {
  addAnalyticsOptions(
    program
      .command('cohorts')
      .description(
        'Cohort matrix: customers by the period (or channel, region, …) of their first order × offset.',
      )
      .option('--period <day|week|month|quarter>', 'cohort and offset period (UTC; ISO weeks)', 'month')
      .option(
        '--metric <customers|orders|revenue>',
        'share active, orders per customer, or revenue vs offset 0',
        'customers',
      )
      .option('--mode <on|onOrAfter>', 'customers: ordered in the offset, or in it or later', 'on')
      .option('--net', 'revenue: subtract returns')
      .option(
        '--by <channel|region|category|complainedEarly>',
        'cohorts by first-order attribute instead of period',
      )
      .option('--min-size <n>', 'flag cohorts smaller than this', '30')
      .option('--max-offset <n>', 'show offsets up to this one')
      .option('--csv', 'print one CSV row per cell')
      .option('--forecast', 'add forecasts with 80 % intervals for the periods not yet observed')
      .option(
        '--through <date>',
        'forecast up to the period holding this day (default: 12 periods past the data)',
      ),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ retain cohorts --period month --metric customers
  $ retain cohorts --period week --metric revenue --net --from 2024-01-01 --to 2024-06-30 --csv
  $ retain cohorts --by channel --mode onOrAfter --json
  $ retain cohorts --forecast --through 2025-06-30 --json

A cell whose period had not ended when the data ends shows its value so far, marked "~". JSON:
{"period","by","metric","mode","net","dataEnd","minCohortSize","cohorts":[{"cohort","size","small",
"values","complete","counts","bases","low","high"}]} (see README.md, "Retention analytics").
With --forecast every cohort also has "cells":[{"k","value","lower","upper","kind"}], kind one of
observed, incomplete (the period under way: where it is expected to end) and forecast (80 %
intervals), and "forecastBasis" (cohort or pooled); the matrix has "forecast" (model, through,
horizon, pooledCohorts). See README.md, "Forecasts".`,
    )
    .action(async (flags: CohortFlags) => {
      if (flags.json && flags.csv) throw new UsageError('choose --json or --csv');
      if (flags.through !== undefined && !flags.forecast) throw new UsageError('--through: add --forecast');
      const input = parseInput(cohortMatrixInputSchema, {
        period: flags.period,
        metric: flags.metric,
        mode: flags.mode,
        net: flags.net ?? false,
        by: flags.by,
        minCohortSize: Number(flags.minSize),
        maxOffset: flags.maxOffset === undefined ? undefined : Number(flags.maxOffset),
        forecast: flags.forecast ?? false,
        through: flags.through,
        filters: filtersFromFlags(flags),
      });
      const { cohortMatrixReport } = await import('@retain/workflows');
      const matrix = await withAnalytics(flags, (source) => cohortMatrixReport(source, input), input.filters);
      if (flags.json) console.log(JSON.stringify(matrix));
      else if (flags.csv) process.stdout.write(matrixCsv(matrix));
      else console.log(renderMatrix(matrix));
    });
}

function matrixCsv(matrix: CohortMatrix): string {
  const withForecast = matrix.forecast !== undefined;
  const header = ['cohort', 'size', 'small', 'offset', 'value', 'complete', 'count', 'base', 'low', 'high'];
  // With forecasts, four more columns: the cell's kind, the forecast (incomplete and forecast
  // cells) and the cell's 80 % interval; a forecast period has no value, count or base.
  const lines = [csvLine(withForecast ? [...header, 'kind', 'forecast', 'lower80', 'upper80'] : header)];
  for (const row of matrix.cohorts) {
    const cells = new Map((row.cells ?? []).map((cell) => [cell.k, cell]));
    const width = Math.max(row.values.length, ...[...cells.keys()].map((k) => k + 1));
    for (let k = 0; k < width; k++) {
      const cell = cells.get(k);
      const seen = k < row.values.length;
      const observed = [
        row.cohort,
        row.size,
        row.small,
        k,
        seen ? row.values[k] : null,
        seen ? row.complete[k] : false,
        seen ? row.counts[k] : null,
        seen ? row.bases[k] : null,
        seen ? row.low?.[k] : null,
        seen ? row.high?.[k] : null,
      ];
      if (!withForecast) {
        lines.push(csvLine(observed));
        continue;
      }
      const kind = cell?.kind ?? (row.complete[k] ? 'observed' : 'incomplete');
      const forecast = cell && cell.kind !== 'observed' && cell.lower !== null ? cell.value : null;
      lines.push(csvLine([...observed, kind, forecast, cell?.lower, cell?.upper]));
    }
  }
  return lines.join('');
}

const METRIC_TITLES = {
  customers: {
    on: 'share of customers ordering in each period',
    onOrAfter: 'share ordering in the period or later',
  },
  orders: 'orders per cohort customer',
  revenue: 'revenue as a share of the first period',
} as const;

function renderMatrix(matrix: CohortMatrix): string {
  if (matrix.cohorts.length === 0) return 'No customers match.';
  const title =
    matrix.metric === 'customers'
      ? METRIC_TITLES.customers[matrix.mode]
      : `${METRIC_TITLES[matrix.metric]}${matrix.metric === 'revenue' && matrix.net ? ', net of returns' : ''}`;
  const format = matrix.metric === 'orders' ? formatDecimal : formatShare;
  const forecastsOf = (c: CohortMatrix['cohorts'][number]) =>
    new Map((c.cells ?? []).filter((cell) => cell.kind === 'forecast').map((cell) => [cell.k, cell.value]));
  const width = Math.max(
    ...matrix.cohorts.map((c) => Math.max(c.values.length, ...[...forecastsOf(c).keys()].map((k) => k + 1))),
  );
  const header = ['cohort', 'size', ...Array.from({ length: width }, (_, k) => String(k))];
  const rows = matrix.cohorts.map((c) => {
    const forecasts = forecastsOf(c);
    return [
      c.cohort,
      `${c.size}${c.small ? '*' : ''}${c.forecastBasis === 'pooled' ? 'ᵖ' : ''}`,
      ...Array.from({ length: width }, (_, k) => {
        const value = c.values[k];
        const forecast = forecasts.get(k);
        if (value === undefined) return forecast === undefined ? '' : `(${format(forecast)})`;
        return `${format(value)}${c.complete[k] ? ' ' : '~'}`;
      }),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [
    `${PERIOD_ADJECTIVE[matrix.period]} cohorts${matrix.by === 'period' ? '' : ` by ${matrix.by}`}: ${title}; data to ${matrix.dataEnd}.`,
    '',
    line(header),
    line(widths.map((w) => '─'.repeat(w))),
    ...rows.map(line),
    '',
    `~ period not over when the data ends: value so far.  * fewer than ${matrix.minCohortSize} customers.`,
    ...(matrix.forecast ? [forecastLegend(matrix.forecast)] : []),
  ].join('\n');
}

const PERIOD_ADJECTIVE = { day: 'Daily', week: 'Weekly', month: 'Monthly', quarter: 'Quarterly' } as const;

function forecastLegend(forecast: NonNullable<CohortMatrix['forecast']>): string {
  if (forecast.horizon === null) return `No forecasts: ${forecast.note ?? 'too little history'}.`;
  const model =
    forecast.model === 'survival'
      ? 'shifted-beta-geometric survival'
      : 'purchase process (BG/BB) with a pooled shape and cohort levels';
  return [
    `(…) forecast to ${forecast.through}, ages up to ${forecast.horizon} (twice the oldest complete age, ${forecast.oldestAge}); ${model}.`,
    'ᵖ the cohort borrows the pooled level. 80 % intervals: --json or --csv.',
  ].join('\n');
}
