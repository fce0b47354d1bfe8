import { csvLine, type Trend, trendInputSchema } from '@retain/schemas';
import type { Command } from 'commander';
import { UsageError } from '../output/errors.ts';
import { renderTable } from '../output/table.ts';
import {
  type AnalyticsFlags,
  addAnalyticsOptions,
  filtersFromFlags,
  formatShare,
  parseInput,
  withAnalytics,
} from './analyticsOptions.ts';

interface TrendFlags extends AnalyticsFlags {
  age: string;
  period: string;
  mode: string;
  minSize: string;
  through?: string;
  csv?: boolean;
}

export function registerTrend(program: Command): void {
  addAnalyticsOptions(
    program
      .command('trend')
      .description(
        'Day-N trend: retention at one age (month 1, week 4, …) across successive cohorts, with forecasts.',
      )
      .option('--age <n>', 'the age read: periods after the first (1 = the next period)', '1')
      .option('--period <day|week|month|quarter>', 'cohort and age period (UTC; ISO weeks)', 'month')
      .option('--mode <on|onOrAfter>', 'ordered in that period, or in it or later', 'on')
      .option(
        '--min-size <n>',
        'cohorts smaller than this borrow the pooled fit and stay off the trend line',
        '30',
      )
      .option('--through <date>', 'forecast cohorts up to the period holding this day')
      .option('--csv', 'print one CSV row per cohort'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ retain trend --age 1 --period month
  $ retain trend --age 4 --period week --from 2024-01-01 --json

JSON: {"period","age","mode","dataEnd","minCohortSize","points":[{"cohort","size","value","lower",
"upper","kind"}],"trend":{"slopePerCohort","line"},"latest":{"cohort","value","previousMean",
"previousCohorts","delta"},"forecast"}; kind is observed, incomplete or forecast; lower and upper
bound an 80 % interval. See README.md, "Forecasts".`,
    )
    .action(async (flags: TrendFlags) => {
      if (flags.json && flags.csv) throw new UsageError('choose --json or --csv');
      if (!/^\d+$/.test(flags.age.trim())) {
        throw new UsageError(
          `--age: ${flags.age} is not a whole number of periods (1 = the period after the first)`,
        );
      }
      const input = parseInput(trendInputSchema, {
        age: Number(flags.age),
        period: flags.period,
        mode: flags.mode,
        minCohortSize: Number(flags.minSize),
        through: flags.through,
        filters: filtersFromFlags(flags),
      });
      const { cohortTrendReport } = await import('@retain/workflows');
      const trend = await withAnalytics(flags, (source) => cohortTrendReport(source, input), input.filters);
      if (flags.json) console.log(JSON.stringify(trend));
      else if (flags.csv) process.stdout.write(trendCsv(trend));
      else console.log(renderTrend(trend));
    });
}

function trendCsv(trend: Trend): string {
  const line = new Map((trend.trend?.line ?? []).map((p) => [p.cohort, p.value]));
  return [
    csvLine(['cohort', 'size', 'age', 'kind', 'value', 'lower80', 'upper80', 'trend']),
    ...trend.points.map((p) =>
      csvLine([p.cohort, p.size, trend.age, p.kind, p.value, p.lower, p.upper, line.get(p.cohort)]),
    ),
  ].join('');
}

const PERIOD_NAME = { day: 'day', week: 'week', month: 'month', quarter: 'quarter' } as const;
const PERIOD_ADJECTIVE = { day: 'daily', week: 'weekly', month: 'monthly', quarter: 'quarterly' } as const;

const points = (share: number) => `${share >= 0 ? '+' : '−'}${Math.abs(share * 100).toFixed(1)} points`;

function renderTrend(trend: Trend): string {
  const name = `${PERIOD_NAME[trend.period]}-${trend.age}`;
  const what =
    trend.mode === 'on'
      ? `share of each cohort ordering in its ${PERIOD_NAME[trend.period]} ${trend.age}`
      : `share ordering in ${PERIOD_NAME[trend.period]} ${trend.age} or later`;
  const head = `${name[0]?.toUpperCase()}${name.slice(1)} retention across ${PERIOD_ADJECTIVE[trend.period]} cohorts (${what}); data to ${trend.dataEnd ?? '–'}.`;
  if (trend.points.length === 0) return `${head}\n\nNo cohort has reached, or can be forecast at, that age.`;
  const kindWord = { observed: '', incomplete: 'under way: forecast', forecast: 'forecast' } as const;
  const table = renderTable(
    ['cohort', 'size', name, '80 % interval', 'note'],
    trend.points.map((p) => [
      p.cohort,
      p.size,
      formatShare(p.value),
      p.lower === null || p.upper === null ? '' : `${formatShare(p.lower)} – ${formatShare(p.upper)}`,
      `${kindWord[p.kind]}${p.kind !== 'observed' && p.size < trend.minCohortSize ? ' (pooled)' : ''}`,
    ]),
  );
  const lines = [head, '', table, ''];
  if (trend.latest) {
    const { cohort, value, previousMean, previousCohorts, delta } = trend.latest;
    lines.push(
      previousMean === null || delta === null
        ? `Latest complete cohort ${cohort}: ${formatShare(value)} (no earlier cohort to compare with).`
        : `Latest complete cohort ${cohort}: ${formatShare(value)}, ${points(delta)} against ${formatShare(previousMean)}, the average of the ${previousCohorts.length} before it (${previousCohorts[0]} to ${previousCohorts.at(-1)}).`,
    );
  }
  if (trend.trend) {
    lines.push(
      `Trend line (observed cohorts of ${trend.minCohortSize}+ customers, weighted by size): ${points(trend.trend.slopePerCohort)} per cohort.`,
    );
  }
  return lines.join('\n');
}
