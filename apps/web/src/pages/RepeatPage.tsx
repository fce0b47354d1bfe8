import type { DayHistogram } from '@retain/schemas';
import { useQuery } from '@tanstack/react-query';
import { ChartCard } from '../components/ChartCard.tsx';
import { PageHeader, Segmented, SelectField } from '../components/controls.tsx';
import { FilterBar } from '../components/FilterBar.tsx';
import { BarChart } from '../components/LazyChart.tsx';
import { Stats } from '../components/Stats.tsx';
import { QueryView } from '../components/states.tsx';
import { BY_OPTIONS, PERIOD_OPTIONS } from '../data/cohortInputs.ts';
import { type HistogramRow, histogramRows, medianBin } from '../data/histogram.ts';
import { repeatHeadline, repeatInputFromSearch, WITHIN_OPTIONS } from '../data/repeatInputs.ts';
import { type Column, numberColumn, textColumn } from '../data/table.ts';
import { formatDecimal, formatInteger, formatPercent } from '../format.ts';
import { useSearchParams } from '../router/location.ts';
import { useTRPC } from '../trpc.ts';

type RateRow = {
  cohort: string;
  customers: number;
  repeaters: number;
  rate: number | null;
  tooRecent: number;
};

const RATE_COLUMNS: Column<RateRow>[] = [
  textColumn('cohort', 'Cohort'),
  numberColumn('customers', 'Customers', formatInteger),
  numberColumn('repeaters', 'Repeat buyers', formatInteger),
  numberColumn('rate', 'Repeat rate', formatPercent),
  numberColumn('tooRecent', 'Too recent to tell', formatInteger),
];

const HISTOGRAM_COLUMNS: Column<HistogramRow>[] = [
  textColumn('label', 'Days'),
  numberColumn('count', 'Customers', formatInteger),
  numberColumn('share', 'Share', formatPercent),
];

type OrdersRow = { orders: string; customers: number };
const ORDERS_COLUMNS: Column<OrdersRow>[] = [
  textColumn('orders', 'Orders'),
  numberColumn('customers', 'Customers', formatInteger),
];

/** How often first-time buyers come back, how soon, and how many orders customers place. */
export default function RepeatPage() {
  const trpc = useTRPC();
  const [search, update] = useSearchParams();
  const input = repeatInputFromSearch(search);
  const repeat = useQuery(trpc.repeat.summary.queryOptions(input));
  const within = input.withinDays === undefined ? 'any' : String(input.withinDays);

  return (
    <section aria-labelledby="page-title">
      <PageHeader title="Repeat purchase">
        <p className="muted">
          A repeat buyer placed a second order
          {input.withinDays
            ? ` within ${formatInteger(input.withinDays)} days of the first; customers acquired less than ${formatInteger(input.withinDays)} days before the data ends are too recent to tell`
            : ' at any time so far, however recently they were acquired'}
          .
        </p>
      </PageHeader>
      <FilterBar
        summary={[
          [
            'Second order',
            WITHIN_OPTIONS.find((o) => o.value === within)?.label ??
              `Within ${formatInteger(input.withinDays)} days`,
          ],
        ]}
      >
        <Segmented
          legend="Cohort period"
          value={input.period}
          options={PERIOD_OPTIONS}
          onChange={(v) => update({ period: v })}
        />
        <SelectField
          label="Cohort by"
          value={input.by ?? 'period'}
          options={BY_OPTIONS}
          onChange={(v) => update({ by: v === 'period' ? null : v })}
        />
        <SelectField
          label="Second order"
          value={WITHIN_OPTIONS.some((o) => o.value === within) ? within : 'any'}
          options={WITHIN_OPTIONS}
          onChange={(v) => update({ within: v })}
          testId="control-within"
        />
      </FilterBar>
      <QueryView
        query={repeat}
        label="repeat purchase"
        height={480}
        isEmpty={(r) => r.overall.customers === 0}
      >
        {(r) => {
          const headline = repeatHeadline(r);
          return (
            <>
              <Stats
                items={[
                  {
                    label: headline.label,
                    value: formatPercent(r.overall.rate),
                    testId: 'repeat-rate',
                    note: headline.note,
                    definition: headline.definition,
                  },
                  {
                    label: 'Customers',
                    value: formatInteger(r.overall.customers),
                    testId: 'repeat-customers',
                  },
                  { label: 'Repeat buyers', value: formatInteger(r.overall.repeaters) },
                  {
                    label: 'Median days to 2nd order',
                    value:
                      r.daysToSecondOrder.median === null ? '—' : formatInteger(r.daysToSecondOrder.median),
                  },
                  { label: 'Orders per customer', value: formatDecimal(r.ordersPerCustomer.mean) },
                  ...(r.overall.tooRecent > 0
                    ? [{ label: 'Too recent to tell', value: formatInteger(r.overall.tooRecent) }]
                    : []),
                ]}
              />
              <ChartCard
                title="Repeat rate by cohort"
                description={`Customers grouped by ${r.by === 'period' ? `first-order ${r.period}` : r.by}; the line is the all-cohort rate.${
                  r.withinDays === null
                    ? ' Any time: recent cohorts have had less time to come back, so their rates are not final and look low.'
                    : ''
                }`}
                columns={RATE_COLUMNS}
                rows={r.cohorts}
                testId="chart-repeat-by-cohort"
              >
                <BarChart
                  title="Repeat rate by cohort"
                  data={r.cohorts}
                  xKey="cohort"
                  series={[{ key: 'rate', label: 'Repeat rate' }]}
                  yFormat={(v) => formatPercent(v)}
                  references={
                    r.overall.rate === null
                      ? []
                      : [{ y: r.overall.rate, label: `all cohorts ${formatPercent(r.overall.rate)}` }]
                  }
                  tooltipExtra={(row) => (
                    <p>
                      {formatInteger(Number(row.repeaters))} of {formatInteger(Number(row.customers))}{' '}
                      customers
                    </p>
                  )}
                />
              </ChartCard>
              <div className="grid-2">
                <HistogramCard
                  title="Days to the second order"
                  description="Over customers with a second order; the dashed line marks the median."
                  histogram={r.daysToSecondOrder}
                  testId="chart-days-to-second"
                />
                <ChartCard
                  title="Orders per customer"
                  description={`Mean ${formatDecimal(r.ordersPerCustomer.mean)} orders.`}
                  columns={ORDERS_COLUMNS}
                  rows={r.ordersPerCustomer.counts}
                  testId="chart-orders-per-customer"
                >
                  <BarChart
                    title="Customers by number of orders"
                    data={r.ordersPerCustomer.counts}
                    xKey="orders"
                    series={[{ key: 'customers', label: 'Customers', color: 'var(--series-2)' }]}
                    yFormat={(v) => formatInteger(v)}
                    xLabel="orders"
                  />
                </ChartCard>
              </div>
              <HistogramCard
                title="Days between orders"
                description="Every pair of consecutive orders of the same customer; the dashed line marks the median."
                histogram={r.gapDays}
                color="var(--series-4)"
                testId="chart-gap-days"
              />
            </>
          );
        }}
      </QueryView>
    </section>
  );
}

function HistogramCard({
  title,
  description,
  histogram,
  color,
  testId,
}: {
  title: string;
  description: string;
  histogram: DayHistogram;
  color?: string;
  testId: string;
}) {
  const rows = histogramRows(histogram);
  const median = medianBin(histogram);
  return (
    <ChartCard
      title={title}
      description={description}
      columns={HISTOGRAM_COLUMNS}
      rows={rows}
      testId={testId}
    >
      <BarChart
        title={title}
        data={rows}
        xKey="label"
        series={[{ key: 'count', label: 'Customers', color: color ?? 'var(--series-1)' }]}
        yFormat={(v) => formatInteger(v)}
        xLabel="days"
        references={
          median === null ? [] : [{ x: median, label: `median ${formatInteger(histogram.median)} d` }]
        }
        tooltipExtra={(row) => <p>{formatPercent(Number(row.share))} of the total</p>}
      />
    </ChartCard>
  );
}
