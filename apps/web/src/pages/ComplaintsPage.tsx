import type { RouterOutputs } from '@retain/api';
import { useQuery } from '@tanstack/react-query';
import { ChartCard } from '../components/ChartCard.tsx';
import { PageHeader, Segmented, SelectField } from '../components/controls.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { FilterBar } from '../components/FilterBar.tsx';
import { BarChart, LineChart } from '../components/LazyChart.tsx';
import { ScrollRegion } from '../components/ScrollRegion.tsx';
import { QueryView } from '../components/states.tsx';
import { MODE_OPTIONS, offsetLabel, PERIOD_OPTIONS } from '../data/cohortInputs.ts';
import { type CohortRow, curveColumns, curvesChart } from '../data/cohortSeries.ts';
import {
  impactInputFromSearch,
  repeatComparison,
  resolutionHeadline,
  resolutionRows,
} from '../data/impactInputs.ts';
import { WITHIN_OPTIONS } from '../data/repeatInputs.ts';
import { type Column, numberColumn, textColumn } from '../data/table.ts';
import {
  formatDay,
  formatInteger,
  formatMoney,
  formatPercent,
  formatPointsApart,
  moneyLabel,
} from '../format.ts';
import { useSearchParams } from '../router/location.ts';
import { useTRPC } from '../trpc.ts';

type ReturnRow = {
  cohort: string;
  customers: number;
  revenue: number;
  returned: number;
  rate: number | null;
};
/** Built when shown: the money columns' headers name the data's currency ("Revenue (EUR)"). */
const returnColumns = (): Column<ReturnRow>[] => [
  textColumn('cohort', 'Cohort'),
  numberColumn('customers', 'Customers', formatInteger),
  numberColumn('revenue', moneyLabel('Revenue'), formatMoney),
  numberColumn('returned', moneyLabel('Returned'), formatMoney),
  numberColumn('rate', 'Return rate', formatPercent),
];

type RepeatRow = { group: string; customers: number; repeaters: number; rate: number | null };
const REPEAT_COLUMNS: Column<RepeatRow>[] = [
  textColumn('group', 'Customers'),
  numberColumn('customers', 'Count', formatInteger),
  numberColumn('repeaters', 'Repeat buyers', formatInteger),
  numberColumn('rate', 'Repeat rate', formatPercent),
];

type SpeedRow = ReturnType<typeof resolutionRows>[number];
const SPEED_COLUMNS: Column<SpeedRow>[] = [
  textColumn('group', 'First complaint'),
  numberColumn('customers', 'Customers', formatInteger),
  numberColumn('raw', 'Came back (raw)', formatPercent),
  numberColumn('matched', 'Came back at equal activity', formatPercent),
];

type Stratum = RouterOutputs['impact']['summary']['resolutionSpeed']['strata'][number];
const STRATA_COLUMNS: Column<Stratum>[] = [
  { key: 'priorOrders', label: 'Orders by then', value: (r) => r.priorOrders },
  { key: 'tenure', label: 'Since first order', value: (r) => r.tenure },
  {
    key: 'fastN',
    label: 'Fast: customers',
    value: (r) => r.fast.customers,
    format: (r) => formatInteger(r.fast.customers),
    numeric: true,
  },
  {
    key: 'fastRate',
    label: 'Fast: came back',
    value: (r) => r.fast.rate,
    format: (r) => formatPercent(r.fast.rate),
    numeric: true,
  },
  {
    key: 'slowN',
    label: 'Slow: customers',
    value: (r) => r.slow.customers,
    format: (r) => formatInteger(r.slow.customers),
    numeric: true,
  },
  {
    key: 'slowRate',
    label: 'Slow: came back',
    value: (r) => r.slow.rate,
    format: (r) => formatPercent(r.slow.rate),
    numeric: true,
  },
];

/** Whether complaints and returns cost customers: resolution speed, retention by experience, return rates. */
export default function ComplaintsPage() {
  const trpc = useTRPC();
  const [search, update] = useSearchParams();
  const input = impactInputFromSearch(search);
  const impact = useQuery(trpc.impact.summary.queryOptions(input));
  const within = input.withinDays === undefined ? 'any' : String(input.withinDays);

  return (
    <section aria-labelledby="page-title">
      <PageHeader title="Complaints & returns">
        <p className="muted">
          Does resolving complaints fast keep customers, and do returns cost them? Curves are pooled over
          cohorts.
        </p>
      </PageHeader>
      <FilterBar show={['dates', 'channel', 'region', 'category']}>
        <Segmented
          legend="Period"
          value={input.period}
          options={PERIOD_OPTIONS}
          onChange={(v) => update({ period: v })}
        />
        <Segmented
          legend="Counted"
          value={input.mode}
          options={MODE_OPTIONS}
          onChange={(v) => update({ mode: v })}
        />
        <SelectField
          label="Second order"
          value={WITHIN_OPTIONS.some((o) => o.value === within) ? within : 'any'}
          options={WITHIN_OPTIONS}
          onChange={(v) => update({ within: v === 'any' ? null : v })}
        />
      </FilterBar>
      <QueryView query={impact} label="complaint and return impact" height={480}>
        {(d) => {
          const repeat = repeatComparison(d.repeatByComplaint);
          const speed = d.resolutionSpeed;
          const speedRows = resolutionRows(speed);
          return (
            <>
              <ChartCard
                title="Fast and slow resolution, at equal activity"
                description={<span data-testid="resolution-headline">{resolutionHeadline(speed)}</span>}
                columns={SPEED_COLUMNS}
                rows={speedRows}
                testId="chart-resolution-speed"
              >
                <BarChart
                  title="Share who came back after their first complaint, by how fast it was resolved"
                  data={speedRows}
                  xKey="group"
                  series={[
                    { key: 'matched', label: 'At equal activity', color: 'var(--series-1)' },
                    { key: 'raw', label: 'Raw', color: 'var(--series-7)' },
                  ]}
                  yFormat={(v) => formatPercent(v)}
                  yDomain={[0, 1]}
                />
                <p className="muted method-note" data-testid="resolution-method">
                  Each customer’s first complaint opened by {formatDay(speed.openedBy)}; came back = an order
                  in the {speed.windowDays} days after the day it was opened. Customers are compared within
                  groups of the same activity when they complained (orders placed by then × time since their
                  first order), and the rates are averaged over those groups weighted by their customers
                  {speed.matched && speed.matched.unmatched > 0
                    ? `; ${formatInteger(speed.matched.unmatched)} customers in groups without both speeds are left out`
                    : ''}
                  .
                </p>
                {speed.strata.length > 0 ? (
                  <details className="strata">
                    <summary>The groups compared</summary>
                    <ScrollRegion label="Fast and slow resolution by activity group">
                      <DataTable
                        columns={STRATA_COLUMNS}
                        rows={speed.strata}
                        rowKey={(r) => `${r.priorOrders}/${r.tenure}`}
                        caption="Fast and slow resolution by activity group"
                        testId="resolution-strata"
                      />
                    </ScrollRegion>
                  </details>
                ) : null}
              </ChartCard>
              <div className="grid-2">
                <CurvesCard
                  title="Retention by complaint experience"
                  description="Customers grouped by their worst complaint: how fast it was resolved, or never."
                  rows={d.byComplaint}
                  period={d.period}
                  testId="chart-by-complaint"
                />
                <CurvesCard
                  title="Retention by returns"
                  description="Customers who returned something against those who never did."
                  rows={d.byReturn}
                  period={d.period}
                  testId="chart-by-return"
                />
              </div>
              <div className="grid-2">
                <ChartCard
                  title="Return rate by cohort"
                  description="Returned value over order revenue, by first-order period."
                  columns={returnColumns()}
                  rows={d.returnRateByCohort}
                  testId="chart-return-rate"
                >
                  <BarChart
                    title="Return rate by cohort"
                    data={d.returnRateByCohort}
                    xKey="cohort"
                    series={[{ key: 'rate', label: 'Return rate', color: 'var(--series-4)' }]}
                    yFormat={(v) => formatPercent(v)}
                  />
                </ChartCard>
                <ChartCard
                  title="Raw comparison: complainers and the others"
                  description={
                    <span data-testid="raw-caveat">
                      {repeat.gap === null
                        ? 'Share of customers with a second order'
                        : `Complainers’ repeat rate${d.repeatByComplaint.withinDays === null ? '' : ` (within ${formatInteger(d.repeatByComplaint.withinDays)} days)`} is ${formatPointsApart(repeat.gap)} ${repeat.gap >= 0 ? 'above' : 'below'} the others’`}
                      . Not like for like: customers who order more have more occasions to complain, so
                      complainers look loyal. This says nothing about what complaints do; the comparison at
                      equal activity above does.
                    </span>
                  }
                  columns={REPEAT_COLUMNS}
                  rows={repeat.rows}
                  testId="chart-repeat-complainers"
                >
                  <BarChart
                    title="Repeat rate of complainers and of the others"
                    data={repeat.rows}
                    xKey="group"
                    series={[{ key: 'rate', label: 'Repeat rate' }]}
                    yFormat={(v) => formatPercent(v)}
                    yDomain={[0, 1]}
                    barColor={(_, i) => (i === 0 ? 'var(--series-3)' : 'var(--series-1)')}
                    tooltipExtra={(row) => (
                      <p>
                        {formatInteger(Number(row.repeaters))} of {formatInteger(Number(row.customers))}
                      </p>
                    )}
                  />
                </ChartCard>
              </div>
            </>
          );
        }}
      </QueryView>
    </section>
  );
}

function CurvesCard({
  title,
  description,
  rows,
  period,
  testId,
}: {
  title: string;
  description: string;
  rows: CohortRow[];
  period: 'day' | 'week' | 'month' | 'quarter';
  testId: string;
}) {
  const chart = curvesChart(rows, { fromOffset: 1, includeIncomplete: true });
  const labelled = {
    ...chart,
    series: chart.series.map((s, i) => ({
      ...s,
      label: `${s.label} (${formatInteger(rows[i]?.size ?? 0)})`,
    })),
  };
  const columns = curveColumns(labelled, `${period}s since first order`, formatPercent);
  return (
    <ChartCard title={title} description={description} columns={columns} rows={chart.data} testId={testId}>
      <LineChart
        title={title}
        data={chart.data}
        series={chart.series.map((s, i) => ({
          ...s,
          label: `${s.label} (${formatInteger(rows[i]?.size ?? 0)})`,
        }))}
        xKey="offset"
        xFormat={(v) => offsetLabel(period, Number(v))}
        yFormat={(v) => formatPercent(v)}
        dots={false}
        height={300}
      />
    </ChartCard>
  );
}
