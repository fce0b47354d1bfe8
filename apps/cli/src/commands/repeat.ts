import { allCohortRepeatLabel, type DayHistogram, type Repeat, repeatInputSchema } from '@retain/schemas';
import type { Command } from 'commander';
import { formatNumber, renderTable } from '../output/table.ts';
import {
  type AnalyticsFlags,
  addAnalyticsOptions,
  filtersFromFlags,
  formatDecimal,
  formatShare,
  parseInput,
  withAnalytics,
} from './analyticsOptions.ts';

interface RepeatFlags extends AnalyticsFlags {
  within?: string;
  period: string;
  by?: string;
}

export function registerRepeat(program: Command): void {
  addAnalyticsOptions(
    program
      .command('repeat')
      .description(
        'Repeat purchase: share of customers with a second order, by cohort, and how long it takes.',
      )
      .option('--within <days>', 'count a second order only within this many days of the first')
      .option('--period <day|week|month|quarter>', 'cohort period', 'month')
      .option(
        '--by <channel|region|category|complainedEarly>',
        'group by first-order attribute instead of period',
      ),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ retain repeat --within 90
  $ retain repeat --by channel --json

With --within N, customers whose first order is less than N days before the data's end are left out
of the rate and counted as "too recent". JSON: {"withinDays","period","by","dataEnd","overall":
{"customers","repeaters","rate","tooRecent"},"cohorts":[…],"daysToSecondOrder","gapDays",
"ordersPerCustomer"} (see README.md, "Retention analytics").`,
    )
    .action(async (flags: RepeatFlags) => {
      const input = parseInput(repeatInputSchema, {
        withinDays: flags.within === undefined ? undefined : Number(flags.within),
        period: flags.period,
        by: flags.by,
        filters: filtersFromFlags(flags),
      });
      const { repeatReport } = await import('@retain/workflows');
      const repeat = await withAnalytics(flags, (source) => repeatReport(source, input), input.filters);
      console.log(flags.json ? JSON.stringify(repeat) : renderRepeat(repeat));
    });
}

/** The headline: the all-cohort rate, named as on the Repeat page, with its population. */
export function repeatHeadline(r: Repeat): string[] {
  const o = r.overall;
  const name = allCohortRepeatLabel(r.withinDays);
  const rate = `${formatNumber(o.repeaters)} of ${formatNumber(o.customers)} customers (${formatShare(o.rate)})`;
  if (r.withinDays === null)
    return [
      `${name}: ${rate} placed a second order by ${r.dataEnd ?? '—'}.`,
      '  Every customer, however recent: the latest cohorts have had little time, so their rates are not final.',
      '  With --within N each customer gets the same N days (retain repeat --within 90).',
    ];
  const lastFirst = r.dataEnd === null ? null : shiftDay(r.dataEnd, -r.withinDays);
  return [
    `${name}: ${rate} placed a second order within ${r.withinDays} days of their first.`,
    `  Every customer whose first order was on or before ${lastFirst ?? '—'}; ${formatNumber(o.tooRecent)} more are too recent to tell.`,
    ...(r.withinDays === 90
      ? ['  Not the recent 90-day repeat rate of retain kpis, which counts one quarter’s new customers.']
      : []),
  ];
}

const shiftDay = (day: string, by: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + by * 86_400_000).toISOString().slice(0, 10);

function renderRepeat(r: Repeat): string {
  return [
    `Repeat purchase; data to ${r.dataEnd ?? '—'}.`,
    ...repeatHeadline(r),
    '',
    renderTable(
      [
        r.by === 'period' ? 'cohort' : r.by,
        'customers',
        'repeaters',
        'rate',
        ...(r.withinDays === null ? [] : ['too recent']),
      ],
      r.cohorts.map((c) => [
        c.cohort,
        c.customers,
        c.repeaters,
        formatShare(c.rate),
        ...(r.withinDays === null ? [] : [c.tooRecent]),
      ]),
    ),
    '',
    histogramLine('Days to the second order', r.daysToSecondOrder),
    histogramLine('Days between orders', r.gapDays),
    `Orders per customer: mean ${formatDecimal(r.ordersPerCustomer.mean)}; ` +
      r.ordersPerCustomer.counts.map((c) => `${c.orders}: ${c.customers}`).join(', '),
  ].join('\n');
}

function histogramLine(title: string, h: DayHistogram): string {
  const bins = h.bins.map(
    (b) => `${b.to === null ? `${b.from}+` : b.from === b.to ? b.from : `${b.from}–${b.to}`}: ${b.count}`,
  );
  return `${title}: median ${formatDecimal(h.median)} (n = ${formatNumber(h.count)}); ${bins.join(', ')}`;
}
