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
      .option('--csv', 'print one CSV row per cell'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ retain cohorts --period month --metric customers
  $ retain cohorts --period week --metric revenue --net --from 2024-01-01 --to 2024-06-30 --csv
  $ retain cohorts --by channel --mode onOrAfter --json

A cell whose period had not ended when the data ends shows its value so far, marked "~". JSON:
{"period","by","metric","mode","net","dataEnd","minCohortSize","cohorts":[{"cohort","size","small",
"values","complete","counts","bases","low","high"}]} (see README.md, "Retention analytics").`,
    )
    .action(async (flags: CohortFlags) => {
      if (flags.json && flags.csv) throw new UsageError('choose --json or --csv');
      const input = parseInput(cohortMatrixInputSchema, {
        period: flags.period,
        metric: flags.metric,
        mode: flags.mode,
        net: flags.net ?? false,
        by: flags.by,
        minCohortSize: Number(flags.minSize),
        maxOffset: flags.maxOffset === undefined ? undefined : Number(flags.maxOffset),
        filters: filtersFromFlags(flags),
      });
      const matrix = await withAnalytics(flags.db, (api) => api.cohorts.matrix(input), input.filters);
      if (flags.json) console.log(JSON.stringify(matrix));
      else if (flags.csv) process.stdout.write(matrixCsv(matrix));
      else console.log(renderMatrix(matrix));
    });
}

function matrixCsv(matrix: CohortMatrix): string {
  const lines = [
    csvLine(['cohort', 'size', 'small', 'offset', 'value', 'complete', 'count', 'base', 'low', 'high']),
  ];
  for (const row of matrix.cohorts) {
    row.values.forEach((value, k) => {
      lines.push(
        csvLine([
          row.cohort,
          row.size,
          row.small,
          k,
          value,
          row.complete[k],
          row.counts[k],
          row.bases[k],
          row.low?.[k],
          row.high?.[k],
        ]),
      );
    });
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
  const width = Math.max(...matrix.cohorts.map((c) => c.values.length));
  const header = ['cohort', 'size', ...Array.from({ length: width }, (_, k) => String(k))];
  const rows = matrix.cohorts.map((c) => [
    c.cohort,
    `${c.size}${c.small ? '*' : ''}`,
    ...Array.from({ length: width }, (_, k) => {
      const value = c.values[k];
      if (value === undefined) return '';
      return `${format(value)}${c.complete[k] ? ' ' : '~'}`;
    }),
  ]);
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
  ].join('\n');
}

const PERIOD_ADJECTIVE = { day: 'Daily', week: 'Weekly', month: 'Monthly', quarter: 'Quarterly' } as const;
