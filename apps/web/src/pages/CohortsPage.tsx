import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { ChartCard } from '../components/ChartCard.tsx';
import { CohortHeatmap } from '../components/CohortHeatmap.tsx';
import { PageHeader, Segmented, SelectField } from '../components/controls.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { FilterBar } from '../components/FilterBar.tsx';
import { LineChart } from '../components/LazyChart.tsx';
import { ScrollRegion } from '../components/ScrollRegion.tsx';
import { EmptyState, QueryView } from '../components/states.tsx';
import { type ChartRow, numberAt } from '../data/chartData.ts';
import { downloadText } from '../data/chartImage.ts';
import { cohortCustomersCsv, fetchAllCohortCustomers } from '../data/cohortCustomersCsv.ts';
import {
  BY_OPTIONS,
  type CohortShow,
  type CohortView,
  cohortCellFormatter,
  cohortShowFromSearch,
  cohortViewFromSearch,
  drilldownInput,
  formatCohortValue,
  METRIC_OPTIONS,
  MODE_OPTIONS,
  metricDescription,
  offsetLabel,
  PERIOD_OPTIONS,
  type SelectedCell,
  selectedCellFromSearch,
  showOptions,
  trendInputFromSearch,
} from '../data/cohortInputs.ts';
import {
  type CohortMatrix,
  curveColumns,
  curvesChart,
  matrixTable,
  offsetTickSteps,
} from '../data/cohortSeries.ts';
import { downloadName, tableToCsv } from '../data/csv.ts';
import { ageName, FORECAST_LEVEL, trendAges, trendChart, withForecasts } from '../data/forecastSeries.ts';
import type { Column } from '../data/table.ts';
import {
  formatDay,
  formatInteger,
  formatMoney,
  formatPercent,
  formatPoints,
  moneyCurrency,
} from '../format.ts';
import { type SearchPatch, useSearchParams } from '../router/location.ts';
import { useTRPC } from '../trpc.ts';

/** Clearing the drill-down whenever the matrix changes: its cells would not mean the same any more. */
const CLEAR_CELL: SearchPatch = { cell: null, offset: null, page: null, status: null };

/** The analyst's cohort workbench: matrix, curves and the customers behind any cell. */
export default function CohortsPage() {
  const trpc = useTRPC();
  const [search, update] = useSearchParams();
  const view = cohortViewFromSearch(search);
  const show = cohortShowFromSearch(search);
  const cell = selectedCellFromSearch(search);
  const matrix = useQuery(trpc.cohorts.matrix.queryOptions(view));
  const curves = useQuery(trpc.cohorts.curves.queryOptions(view));
  const setView = (patch: SearchPatch) => update({ ...patch, ...CLEAR_CELL });

  const exportMatrix = (m: CohortMatrix) => {
    const t = matrixTable(m, show);
    downloadText(
      tableToCsv(t.columns, t.rows),
      downloadName(
        `cohorts ${m.metric}${show === 'counts' ? ' counts' : ''} by ${m.by === 'period' ? m.period : m.by}`,
        'csv',
      ),
    );
  };

  // Values so far end each curve dashed, never as data; customers curves carry their 95% band.
  const observedCurves = curves.data
    ? curvesChart(curves.data.curves, {
        fromOffset: 1,
        includeIncomplete: true,
        band: view.metric === 'customers',
      })
    : null;
  const curveChart =
    observedCurves && curves.data && view.forecast
      ? withForecasts(observedCurves, curves.data.curves, 1)
      : observedCurves;
  const curveTable = curveChart
    ? curveColumns(curveChart, `${view.period}s since first order`, cohortCellFormatter(view.metric, 'rates'))
    : [];

  return (
    <section aria-labelledby="page-title">
      <PageHeader
        title="Cohorts"
        actions={
          <button
            type="button"
            disabled={!matrix.data}
            onClick={() => matrix.data && exportMatrix(matrix.data)}
            data-testid="export-matrix"
          >
            Download matrix (CSV)
          </button>
        }
      >
        <p className="muted">{metricDescription(view.metric, view.mode, view.net)}</p>
      </PageHeader>
      <FilterBar>
        <Segmented
          legend="Period"
          value={view.period}
          options={PERIOD_OPTIONS}
          onChange={(v) => setView({ period: v, offsets: null })}
        />
        <SelectField
          label="Metric"
          value={view.metric}
          options={METRIC_OPTIONS}
          onChange={(v) => setView({ metric: v, net: null })}
          testId="control-metric"
        />
        <Segmented
          legend="Counted"
          value={view.mode}
          options={MODE_OPTIONS}
          onChange={(v) => setView({ mode: v })}
        />
        <SelectField
          label="Cohort by"
          value={view.by ?? 'period'}
          options={BY_OPTIONS}
          onChange={(v) => setView({ by: v === 'period' ? null : v })}
          testId="control-by"
        />
        <Segmented
          legend="Show"
          value={show}
          options={showOptions(view.metric)}
          onChange={(v: CohortShow) => update({ show: v === 'rates' ? null : v })}
        />
        <label className="field">
          <span>Forecasts</span>
          <span>
            <input
              type="checkbox"
              checked={view.forecast === true}
              onChange={(e) => setView({ forecast: e.target.checked ? 'on' : null })}
              data-testid="control-forecast"
            />{' '}
            Show forecasts
          </span>
        </label>
        {view.metric === 'revenue' ? (
          <label className="field">
            <span>Returns</span>
            <span>
              <input
                type="checkbox"
                checked={view.net}
                onChange={(e) => setView({ net: e.target.checked ? 'true' : null })}
              />{' '}
              Net of returns
            </span>
          </label>
        ) : null}
      </FilterBar>

      <section className="card" aria-labelledby="matrix-title">
        <div className="card-header">
          <div>
            <h2 id="matrix-title">
              {view.by
                ? `Cohorts by ${BY_OPTIONS.find((o) => o.value === view.by)?.label.toLowerCase()}`
                : `Cohorts by first-order ${view.period}`}
            </h2>
            <p className="muted">
              Columns are {view.period}s since the first order; the first row averages the cohorts, each
              weighted by its size. Click a cell for its customers.
            </p>
          </div>
        </div>
        <QueryView
          query={matrix}
          label="the cohort matrix"
          height={420}
          isEmpty={(m) => m.cohorts.length === 0}
          empty={
            <EmptyState title="No cohorts match these filters">
              Widen the date range or clear a filter; cohorts form from customers’ first orders.
            </EmptyState>
          }
        >
          {(m) => (
            <CohortHeatmap
              matrix={m}
              show={show}
              selected={cell}
              onOpen={(c) => update({ cell: c.cohort, offset: String(c.offset), page: null, status: null })}
            />
          )}
        </QueryView>
      </section>

      {cell ? <CohortDrilldown view={view} cell={cell} onClose={() => update(CLEAR_CELL)} /> : null}

      <ChartCard
        title="Retention curves"
        description={
          <>
            {view.by
              ? 'Pooled over first-order periods, one curve per group.'
              : 'All cohorts pooled: each offset over the customers observed that long.'}
            {view.metric === 'customers' ? ' The shaded band is the 95% interval.' : ''} Dashed ends with
            hollow points are periods not over at the as-of date: values so far.
            {view.forecast
              ? ` Dotted lines are forecasts, with their ${FORECAST_LEVEL}% interval as a lighter band.`
              : ''}
          </>
        }
        columns={curveTable}
        rows={curveChart?.data ?? []}
        testId="chart-curves"
      >
        <QueryView
          query={curves}
          label="the retention curves"
          height={300}
          isEmpty={(c) => c.curves.length === 0}
        >
          {() =>
            curveChart ? (
              <LineChart
                title="Retention curves"
                data={curveChart.data}
                series={curveChart.series}
                xKey="offset"
                xType="number"
                xTickSteps={offsetTickSteps(view.period)}
                xFormat={(v) => offsetLabel(view.period, Number(v))}
                xTickFormat={(v) => formatInteger(Number(v))}
                xLabel={`${PERIOD_OPTIONS.find((o) => o.value === view.period)?.label ?? ''}s since the first order`}
                yFormat={(v) => formatCohortValue(view.metric, v)}
                height={300}
                dots={false}
              />
            ) : null
          }
        </QueryView>
      </ChartCard>

      <DayNTrend search={search} onAge={(age) => update({ age: age === 1 ? null : String(age) })} />
    </section>
  );
}

const TREND_COLUMNS = (valueLabel: string): Column<ChartRow>[] => [
  { key: 'cohort', label: 'Cohort', value: (r) => (typeof r.cohort === 'string' ? r.cohort : null) },
  { key: 'size', label: 'Customers', value: (r) => numberAt(r, 'size'), numeric: true },
  {
    key: 'value',
    label: valueLabel,
    value: (r) => numberAt(r, 'observed') ?? (r.kind === 'observed' ? null : numberAt(r, 'forecast')),
    format: (r) =>
      formatPercent(numberAt(r, 'observed') ?? (r.kind === 'observed' ? null : numberAt(r, 'forecast'))),
    numeric: true,
  },
  {
    key: 'lower',
    label: `Lower (${FORECAST_LEVEL}%)`,
    value: (r) => numberAt(r, 'observedLow') ?? numberAt(r, 'forecastLow'),
    format: (r) => formatPercent(numberAt(r, 'observedLow') ?? numberAt(r, 'forecastLow')),
    numeric: true,
  },
  {
    key: 'upper',
    label: `Upper (${FORECAST_LEVEL}%)`,
    value: (r) => numberAt(r, 'observedHigh') ?? numberAt(r, 'forecastHigh'),
    format: (r) => formatPercent(numberAt(r, 'observedHigh') ?? numberAt(r, 'forecastHigh')),
    numeric: true,
  },
  {
    key: 'kind',
    label: 'Forecast',
    value: (r) => (r.kind === 'observed' ? 'no' : r.kind === 'incomplete' ? 'under way' : 'yes'),
  },
  {
    key: 'line',
    label: 'Trend line',
    value: (r) => numberAt(r, 'line'),
    format: (r) => formatPercent(numberAt(r, 'line')),
    numeric: true,
  },
];

/** Retention at one age across successive cohorts, with intervals, a trend line and forecasts. */
function DayNTrend({ search, onAge }: { search: URLSearchParams; onAge: (age: number) => void }) {
  const trpc = useTRPC();
  const input = trendInputFromSearch(search);
  const trend = useQuery(trpc.cohorts.trend.queryOptions(input));
  const name = ageName(input.period, input.age);
  const label = `${name} retention`;
  const chart = trend.data ? trendChart(trend.data, label) : null;
  const ages = [...new Set([...trendAges(input.period), input.age])].sort((a, b) => a - b);
  const latest = trend.data?.latest;
  return (
    <ChartCard
      title={`${label} across cohorts`}
      description={
        <>
          The share of each first-order {input.period}’s cohort ordering{' '}
          {input.mode === 'on' ? 'in' : 'in or after'} its {name.toLowerCase()}, with its {FORECAST_LEVEL}%
          interval. Cohorts not yet that old are forecast (dotted, hollow points); the dashed line is the
          trend over the observed cohorts of 30 customers or more, weighted by size.
        </>
      }
      columns={TREND_COLUMNS(label)}
      rows={chart?.data ?? []}
      testId="chart-day-n"
      actions={
        <SelectField
          label="Age"
          value={String(input.age)}
          options={ages.map((a) => ({ value: String(a), label: ageName(input.period, a) }))}
          onChange={(v) => onAge(Number(v))}
          testId="control-age"
        />
      }
    >
      <QueryView
        query={trend}
        label="the trend"
        height={300}
        isEmpty={(t) => t.points.length === 0}
        empty={
          <EmptyState title={`No cohort has reached ${name.toLowerCase()} yet`}>
            Its forecasts reach ages up to twice the oldest one observed; choose an earlier age.
          </EmptyState>
        }
      >
        {(t) => (
          <>
            {latest ? (
              <p className="muted" data-testid="day-n-latest">
                Latest complete cohort, {latest.cohort}: <strong>{formatPercent(latest.value)}</strong>
                {latest.previousMean !== null && latest.delta !== null
                  ? `, ${formatPoints(latest.delta)} against ${formatPercent(latest.previousMean)}, the average of the ${latest.previousCohorts.length} before it.`
                  : '.'}
                {t.trend ? ` Trend: ${formatPoints(t.trend.slopePerCohort)} per cohort.` : ''}
              </p>
            ) : null}
            {chart ? (
              <LineChart
                title={`${label} across cohorts`}
                data={chart.data}
                series={chart.series}
                xKey="cohort"
                xType="category"
                yFormat={(v) => formatPercent(v)}
                xLabel={`Cohort (first-order ${input.period})`}
                height={300}
                dots
                legend
              />
            ) : null}
          </>
        )}
      </QueryView>
    </ChartCard>
  );
}

type DrillRow = {
  customerId: string;
  firstOrder: string;
  lastOrder: string;
  orders: number;
  revenue: number;
  complaints: number;
  returns: number;
};

const DRILL_COLUMNS: Column<DrillRow>[] = [
  { key: 'customerId', label: 'Customer', value: (r) => r.customerId },
  {
    key: 'firstOrder',
    label: 'First order',
    value: (r) => r.firstOrder,
    format: (r) => formatDay(r.firstOrder),
  },
  { key: 'lastOrder', label: 'Last order', value: (r) => r.lastOrder, format: (r) => formatDay(r.lastOrder) },
  {
    key: 'orders',
    label: 'Orders',
    value: (r) => r.orders,
    format: (r) => formatInteger(r.orders),
    numeric: true,
  },
  {
    key: 'revenue',
    label: 'Revenue',
    value: (r) => r.revenue,
    format: (r) => formatMoney(r.revenue),
    numeric: true,
  },
  { key: 'complaints', label: 'Complaints', value: (r) => r.complaints, numeric: true },
  { key: 'returns', label: 'Returns', value: (r) => r.returns, numeric: true },
];

function CohortDrilldown({
  view,
  cell,
  onClose,
}: {
  view: CohortView;
  cell: SelectedCell;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [search, update] = useSearchParams();
  const input = drilldownInput(view, cell, search);
  const customers = useQuery(trpc.cohorts.customers.queryOptions(input));
  const [exporting, setExporting] = useState<{ done: number; total: number } | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const card = useRef<HTMLElement>(null);
  useEffect(() => {
    card.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, []);
  const pages = customers.data ? Math.max(1, Math.ceil(customers.data.total / input.pageSize)) : 1;
  const when = offsetLabel(view.period, cell.offset).toLowerCase();

  // Every customer of the cell, in the table's order, a thousand per call.
  const exportCustomers = async () => {
    setExportError(null);
    setExporting({ done: 0, total: customers.data?.total ?? 0 });
    try {
      const rows = await fetchAllCohortCustomers(
        (page, pageSize) =>
          queryClient.fetchQuery(trpc.cohorts.customers.queryOptions({ ...input, page, pageSize })),
        (done, total) => setExporting({ done, total }),
      );
      downloadText(
        cohortCustomersCsv(rows, moneyCurrency()),
        downloadName(`cohort ${cell.cohort} ${when} ${input.status} customers`, 'csv'),
      );
    } catch (error) {
      setExportError(error instanceof Error ? error.message : 'The customers could not be downloaded.');
    } finally {
      setExporting(null);
    }
  };
  return (
    <section className="card" aria-labelledby="drill-title" ref={card} data-testid="drilldown">
      <div className="card-header">
        <div>
          <h2 id="drill-title">
            Cohort {cell.cohort}, {when}
          </h2>
          <p className="muted" data-testid="drilldown-total">
            {customers.data
              ? `${formatInteger(customers.data.total)} customer${customers.data.total === 1 ? '' : 's'} ${input.status === 'active' ? `with an order ${view.mode === 'on' ? 'in' : 'in or after'} ${when}` : `without an order ${view.mode === 'on' ? 'in' : 'in or after'} ${when}`}`
              : 'Loading…'}
          </p>
        </div>
        <div className="card-actions">
          <Segmented
            legend="Show"
            value={input.status}
            options={[
              { value: 'active', label: 'Active' },
              { value: 'inactive', label: 'Inactive' },
            ]}
            onChange={(v) => update({ status: v === 'active' ? null : v, page: null })}
          />
          <button
            type="button"
            onClick={() => void exportCustomers()}
            disabled={!customers.data || customers.data.total === 0 || exporting !== null}
            data-testid="export-drilldown"
          >
            {exporting
              ? `Downloading ${formatInteger(exporting.done)} of ${formatInteger(exporting.total)}…`
              : 'Download customers (CSV)'}
          </button>
          <button type="button" onClick={onClose} aria-label="Close the customer list">
            Close
          </button>
        </div>
      </div>
      {exportError ? (
        <p role="alert" className="form-error">
          {exportError}
        </p>
      ) : null}
      <QueryView
        query={customers}
        label="the customers"
        height={300}
        isEmpty={(d) => d.total === 0}
        empty={<EmptyState title="No customers in this cell" />}
      >
        {(d) => (
          <>
            <ScrollRegion label="Customers of the cell">
              <DataTable
                columns={DRILL_COLUMNS}
                rows={d.rows}
                rowKey={(r) => r.customerId}
                caption={`Customers of cohort ${cell.cohort}, ${when}`}
                sort={{ key: input.sort, direction: input.direction }}
                sortable={DRILL_COLUMNS.map((c) => c.key)}
                onSort={(key) =>
                  update({
                    sort: key,
                    dir: input.sort === key && input.direction === 'desc' ? 'asc' : 'desc',
                    page: null,
                  })
                }
                testId="drilldown-table"
              />
            </ScrollRegion>
            <nav className="pager" aria-label="Pages of customers">
              <button
                type="button"
                disabled={input.page <= 1}
                onClick={() => update({ page: input.page > 2 ? String(input.page - 1) : null })}
              >
                Previous
              </button>
              <span>
                Page {formatInteger(input.page)} of {formatInteger(pages)}
              </span>
              <button
                type="button"
                disabled={input.page >= pages}
                onClick={() => update({ page: String(input.page + 1) })}
              >
                Next
              </button>
            </nav>
          </>
        )}
      </QueryView>
    </section>
  );
}
