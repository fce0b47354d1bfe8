import { type UseQueryResult, useQueries, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { ChartCard } from '../components/ChartCard.tsx';
import { DateField, PageHeader } from '../components/controls.tsx';
import { FilterBar } from '../components/FilterBar.tsx';
import { KpiTile } from '../components/KpiTile.tsx';
import { LineChart } from '../components/LazyChart.tsx';
import { EmptyState, ErrorState, LoadingBlock, Skeleton } from '../components/states.tsx';
import { type CohortMatrix, curveColumns, curvesChart, recentCohorts } from '../data/cohortSeries.ts';
import {
  KPI_DEFINITIONS,
  type Kpis,
  kpiTrend,
  overviewSummary,
  trendDays,
  usableTrendDays,
} from '../data/kpis.ts';
import {
  overviewCohortsInput,
  overviewKpisInput,
  TREND_POINTS,
  TREND_STEP_DAYS,
} from '../data/overviewInputs.ts';
import { canUsePage } from '../data/pageAccess.ts';
import { type Column, numberColumn } from '../data/table.ts';
import { formatDay, formatMoney, formatPercent } from '../format.ts';
import { useViewer } from '../hooks/useViewer.ts';
import { Link } from '../router/Link.tsx';
import { useSearchParams } from '../router/location.ts';
import { useTRPC } from '../trpc.ts';

const monthYear = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric', timeZone: 'UTC' });
const formatMonth = (day: string | number) =>
  monthYear.format(new Date(`${String(day).slice(0, 10)}T00:00:00Z`));
const percentAxis = (v: number) => formatPercent(v);

type TrendRow = {
  asOf: string;
  churn: number | null;
  repeat: number | null;
  nrr: number | null;
};

const TREND_COLUMNS: Column<TrendRow>[] = [
  { key: 'asOf', label: 'As of', value: (r) => r.asOf, format: (r) => formatDay(r.asOf) },
  numberColumn('churn', 'Churn rate', formatPercent),
  numberColumn('repeat', 'Repeat purchase (90 d)', formatPercent),
  numberColumn('nrr', 'Net revenue retention', formatPercent),
];

/** The executive view: where retention stands, which way it is going, and what is at risk. */
export default function OverviewPage() {
  const trpc = useTRPC();
  const [search, update] = useSearchParams();
  const input = overviewKpisInput(search);
  const kpis = useQuery(trpc.overview.kpis.queryOptions(input));
  const cohorts = useQuery(trpc.cohorts.matrix.queryOptions(overviewCohortsInput(search)));

  // The history behind sparklines and the trend chart, fetched once the headline figures are in.
  const days = useMemo(() => {
    const k = kpis.data;
    if (!k?.asOf) return [];
    return usableTrendDays(trendDays(k.asOf, TREND_POINTS, TREND_STEP_DAYS), k.dataStart, TREND_STEP_DAYS);
  }, [kpis.data]);
  const history = useQueries({
    queries: days.map((asOf) => trpc.overview.kpis.queryOptions({ ...input, asOf })),
  });
  const historyReady = days.length > 0 && history.every((h) => h.isSuccess);
  const points: (Kpis | undefined)[] = history.map((h) => h.data);

  const trendRows: TrendRow[] = historyReady
    ? points.map((p, i) => ({
        asOf: days[i] ?? '',
        churn: p?.kpis.churnRate.value ?? null,
        repeat: p?.kpis.repeatRate90d.value ?? null,
        nrr: p?.kpis.netRevenueRetention12m.value ?? null,
      }))
    : [];

  const k = kpis.data;
  // null until a model has scored customers ("no model yet"); 0 is a real figure once one has.
  const atRisk = { value: k?.kpis.atRiskRevenue.value ?? null, previous: null, delta: null };
  const role = useViewer().role;
  return (
    <section aria-labelledby="page-title" className="overview">
      <PageHeader
        title="Overview"
        actions={
          <button type="button" onClick={() => window.print()}>
            Print
          </button>
        }
      >
        <p className="muted">
          {k?.asOf ? (
            <>
              The 90 days to <strong>{formatDay(k.asOf)}</strong>, compared with the 90 days to{' '}
              {formatDay(k.previousAsOf)}
            </>
          ) : (
            <Skeleton width={380} />
          )}
        </p>
      </PageHeader>
      <FilterBar show={['channel', 'region']}>
        <DateField
          label="As of"
          value={input.asOf}
          min={k?.dataStart ?? undefined}
          max={k?.dataEnd ?? undefined}
          onChange={(v) => update({ asOf: v })}
          testId="filter-asof"
        />
      </FilterBar>

      {kpis.isError ? (
        <ErrorState error={kpis.error} retry={() => void kpis.refetch()} title="Could not load the KPIs" />
      ) : !k ? (
        <div className="tiles" role="status" aria-busy="true">
          <span className="visually-hidden">Loading the KPIs…</span>
          <Skeleton height={140} count={10} />
        </div>
      ) : !k.asOf ? (
        <EmptyState title="No orders yet">
          {canUsePage(role, '/data') ? (
            <>
              Load the shop’s exports on the <Link href="/data">Data</Link> page; the figures appear as
              soon as they are loaded.
            </>
          ) : (
            'An admin loads the shop’s exports on the Data page.'
          )}
        </EmptyState>
      ) : (
        <>
          <p className="summary" data-testid="summary">
            {overviewSummary(k)}
          </p>
          <div className="tiles">
            {KPI_DEFINITIONS.map((d) => (
              <KpiTile
                key={d.name}
                definition={d}
                kpi={d.name === 'atRiskRevenue' ? atRisk : k.kpis[d.name]}
                previousAsOf={k.previousAsOf}
                trend={historyReady ? kpiTrend(points, d.name) : undefined}
              />
            ))}
          </div>
        </>
      )}

      <div className="grid-2">
        <RecentCohortsCard query={cohorts} />
        <ChartCard
          title="Churn and repeat purchase over time"
          description="Each point is the 90 days to that day."
          columns={TREND_COLUMNS}
          rows={trendRows}
          testId="chart-trend"
        >
          {history.some((h) => h.isError) ? (
            <ErrorState error={history.find((h) => h.isError)?.error} title="Could not load the history" />
          ) : historyReady ? (
            <LineChart
              title="Churn rate, repeat purchase and net revenue retention over time"
              data={trendRows}
              xKey="asOf"
              xFormat={formatMonth}
              yFormat={percentAxis}
              series={[
                { key: 'churn', label: 'Churn rate', color: 'var(--series-3)' },
                { key: 'repeat', label: 'Repeat purchase (90 d)', color: 'var(--series-1)' },
                { key: 'nrr', label: 'Net revenue retention', color: 'var(--series-2)', dashed: true },
              ]}
            />
          ) : (
            <LoadingBlock label="Loading the history…" height={280} />
          )}
        </ChartCard>
      </div>
      {k?.asOf ? (
        <section className="card at-risk-card" aria-labelledby="at-risk-title" data-testid="at-risk-summary">
          <h2 id="at-risk-title">At-risk revenue</h2>
          {atRisk.value === null ? (
            <p className="muted" data-testid="at-risk-none">
              No model yet: no churn model has scored customers. Train one on the{' '}
              <Link href="/model">Model</Link> page; then the customers most likely to leave, ranked by the
              value they take with them, are on the at-risk list.
            </p>
          ) : (
            <p>
              <strong data-testid="at-risk-value">{formatMoney(atRisk.value)}</strong> of customer value is at
              risk under the latest scores.{' '}
              {canUsePage(role, '/at-risk') ? <Link href="/at-risk">See who to call first →</Link> : null}
            </p>
          )}
        </section>
      ) : null}
    </section>
  );
}

function RecentCohortsCard({ query }: { query: UseQueryResult<CohortMatrix, unknown> }) {
  const rows = query.data ? recentCohorts(query.data, 6, 3) : [];
  const chart = curvesChart(rows, { fromOffset: 1, maxOffset: 12 });
  const columns = curveColumns(chart, 'Months since first order', formatPercent);
  return (
    <ChartCard
      title="Retention of recent cohorts"
      description="Share of each month’s new customers who ordered again in each later month."
      columns={columns}
      rows={chart.data}
      testId="chart-recent-cohorts"
    >
      {query.isError ? (
        <ErrorState
          error={query.error}
          retry={() => void query.refetch()}
          title="Could not load the cohorts"
        />
      ) : query.isPending ? (
        <LoadingBlock label="Loading the cohorts…" height={280} />
      ) : rows.length === 0 ? (
        <EmptyState title="No cohort is old enough yet">
          Retention curves need monthly cohorts of at least {query.data?.minCohortSize ?? 30} customers with
          three months of history.
        </EmptyState>
      ) : (
        <LineChart
          title="Retention curves of the six most recent monthly cohorts"
          data={chart.data}
          xKey="offset"
          xFormat={(v) => `month ${v}`}
          yFormat={percentAxis}
          series={chart.series}
          dots={false}
        />
      )}
    </ChartCard>
  );
}
