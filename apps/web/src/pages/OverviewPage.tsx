import { KPI_LABELS } from '@retain/schemas';
import { type UseQueryResult, useQueries, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { ChartCard } from '../components/ChartCard.tsx';
import { DateField, PageHeader } from '../components/controls.tsx';
import { FilterBar } from '../components/FilterBar.tsx';
import { KpiTile } from '../components/KpiTile.tsx';
import { LineChart } from '../components/LazyChart.tsx';
import { MonthOneTile } from '../components/MonthOneTile.tsx';
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
  type AsOfState,
  asOfState,
  overviewCohortsInput,
  overviewKpisInput,
  overviewMonthOneInput,
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
  numberColumn('churn', KPI_LABELS.churnRate, formatPercent),
  numberColumn('repeat', KPI_LABELS.repeatRate90d, formatPercent),
  numberColumn('nrr', KPI_LABELS.netRevenueRetention12m, formatPercent),
];

/**
 * The executive view: where retention stands, which way it is going, and what is at risk. With an
 * as-of day, every figure uses only what was known by the end of that day: orders, complaints,
 * returns, cohorts and churn scores.
 */
export default function OverviewPage() {
  const trpc = useTRPC();
  const [search, update] = useSearchParams();
  const input = overviewKpisInput(search);
  // The figures as of the data's end: they also give the days an as-of day may take.
  const latest = useQuery(trpc.overview.kpis.queryOptions({ filters: input.filters }));
  const state = asOfState(input.asOf, latest.data);
  const usable = state?.kind === 'latest' || state?.kind === 'past';
  const kpis = useQuery({ ...trpc.overview.kpis.queryOptions(input), enabled: usable });
  const cohorts = useQuery({
    ...trpc.cohorts.matrix.queryOptions(overviewCohortsInput(search)),
    enabled: usable,
  });
  const monthOne = useQuery({
    ...trpc.cohorts.trend.queryOptions(overviewMonthOneInput(search)),
    enabled: usable,
  });
  // The headline once known (null: none, or it could not be read); undefined while it loads.
  const monthOneLatest = monthOne.isError ? null : monthOne.data?.latest;

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
  // Early days have no point with a whole window behind it: nothing will load, so nothing waits.
  const noHistory = Boolean(kpis.data?.asOf) && days.length === 0;
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
  const role = useViewer().role;
  const range = latest.data;
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
          {k?.asOf && usable ? (
            <>
              The 90 days to <strong>{formatDay(k.asOf)}</strong>, compared with the 90 days to{' '}
              {formatDay(k.previousAsOf)}
            </>
          ) : usable || !state ? (
            <Skeleton width={380} />
          ) : null}
        </p>
      </PageHeader>
      <FilterBar
        show={['channel', 'region']}
        summary={[
          ['As of', input.asOf ? formatDay(input.asOf) : `${formatDay(range?.dataEnd)} (the latest day)`],
        ]}
      >
        <DateField
          label="As of"
          value={input.asOf}
          min={range?.dataStart ?? undefined}
          max={range?.dataEnd ?? undefined}
          onChange={(v) => update({ asOf: v })}
          testId="filter-asof"
        />
      </FilterBar>
      {state?.kind === 'past' ? (
        <AsOfNote asOf={state.asOf} latest={range?.dataEnd ?? null} onLatest={() => update({ asOf: null })} />
      ) : null}

      {!state && latest.isError ? (
        <ErrorState
          error={latest.error}
          retry={() => void latest.refetch()}
          title="Could not load the KPIs"
        />
      ) : state && !usable ? (
        <AsOfRefused state={state} onLatest={() => update({ asOf: null })} />
      ) : state && kpis.isError ? (
        <ErrorState error={kpis.error} retry={() => void kpis.refetch()} title="Could not load the KPIs" />
      ) : !state || !k ? (
        <div className="tiles" role="status" aria-busy="true">
          <span className="visually-hidden">Loading the KPIs…</span>
          <Skeleton height={140} count={10} />
        </div>
      ) : !k.asOf ? (
        <EmptyState title="No orders yet">
          {canUsePage(role, '/data') ? (
            <>
              Load the shop’s exports on the <Link href="/data">Data</Link> page; the figures appear as soon
              as they are loaded.
            </>
          ) : (
            'An admin loads the shop’s exports on the Data page.'
          )}
        </EmptyState>
      ) : (
        <>
          <p className="summary" data-testid="summary">
            {overviewSummary(k, monthOneLatest)}
          </p>
          <div className="tiles">
            {KPI_DEFINITIONS.map((d) => (
              <KpiTile
                key={d.name}
                definition={d}
                kpi={k.kpis[d.name]}
                kpis={k}
                trend={historyReady ? kpiTrend(points, d.name) : noHistory ? null : undefined}
              />
            ))}
            <MonthOneTile latest={monthOneLatest} />
          </div>
        </>
      )}

      {usable ? (
        <div className="grid-2">
          <RecentCohortsCard query={cohorts} asOf={input.asOf} />
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
                title="Churn rate, repeat rate and net revenue retention over time"
                data={trendRows}
                xKey="asOf"
                xFormat={formatMonth}
                yFormat={percentAxis}
                series={[
                  { key: 'churn', label: KPI_LABELS.churnRate, color: 'var(--series-3)' },
                  { key: 'repeat', label: KPI_LABELS.repeatRate90d, color: 'var(--series-1)' },
                  {
                    key: 'nrr',
                    label: KPI_LABELS.netRevenueRetention12m,
                    color: 'var(--series-2)',
                    dashed: true,
                  },
                ]}
              />
            ) : noHistory ? (
              <EmptyState title="Not enough history yet">
                A point needs 90 days of orders behind it; the data begins {formatDay(k?.dataStart)}.
              </EmptyState>
            ) : (
              <LoadingBlock label="Loading the history…" height={280} />
            )}
          </ChartCard>
        </div>
      ) : null}
      {k?.asOf && usable ? <AtRiskCard k={k} canCall={canUsePage(role, '/at-risk')} /> : null}
    </section>
  );
}

/** Says on the page that the figures are as of a past day, and how to get back to the latest. */
function AsOfNote({ asOf, latest, onLatest }: { asOf: string; latest: string | null; onLatest: () => void }) {
  return (
    <p className="as-of-note" data-testid="as-of-note">
      <span>
        Figures as of <strong>{formatDay(asOf)}</strong>: only the orders, complaints, returns and churn
        scores known by the end of that day count.
      </span>
      {latest && latest !== asOf ? (
        <button type="button" className="link no-print" onClick={onLatest}>
          Show the latest ({formatDay(latest)})
        </button>
      ) : null}
    </p>
  );
}

/** A day the page cannot show figures for: after the data's end, or before its first order. */
function AsOfRefused({ state, onLatest }: { state: AsOfState; onLatest: () => void }) {
  if (state.kind !== 'future' && state.kind !== 'beforeData') return null;
  return (
    <div className="empty-state as-of-refused" role="alert" data-testid="as-of-refused">
      <p className="empty-title">
        {state.kind === 'future'
          ? `No figures as of ${formatDay(state.asOf)} yet`
          : `No figures as of ${formatDay(state.asOf)}`}
      </p>
      <p className="muted">
        {state.kind === 'future'
          ? `The data ends on ${formatDay(state.dataEnd)}: what happened after that is not known yet. Pick a day up to ${formatDay(state.dataEnd)}.`
          : `The first order is dated ${formatDay(state.dataStart)}: there was nothing to count before it. Pick a day from ${formatDay(state.dataStart)} on.`}
      </p>
      <button type="button" className="no-print" onClick={onLatest}>
        Show the latest figures
      </button>
    </div>
  );
}

/** At-risk revenue from the churn scores in force on the as-of day, or why there are none. */
function AtRiskCard({ k, canCall }: { k: Kpis; canCall: boolean }) {
  const value = k.kpis.atRiskRevenue.value;
  const scores = k.atRiskScores;
  return (
    <section className="card at-risk-card" aria-labelledby="at-risk-title" data-testid="at-risk-summary">
      <h2 id="at-risk-title">{KPI_LABELS.atRiskRevenue}</h2>
      {scores && value !== null ? (
        <p>
          <strong data-testid="at-risk-value">{formatMoney(value)}</strong> of customer value is at risk under
          the churn scores of <span data-testid="at-risk-scores-date">{formatDay(scores.asOf)}</span>, made by
          the model trained on data to {formatDay(scores.trainedAsOf)}: the scores in force on{' '}
          {formatDay(k.asOf)}. {canCall ? <Link href="/at-risk">See who to call first →</Link> : null}
        </p>
      ) : k.modelHasScored ? (
        <p className="muted" data-testid="at-risk-no-scores">
          No scores for {formatDay(k.asOf)}: no churn model trained on data up to that day had scored
          customers by then (scores count for their model's horizon). Later scores would use what was not yet
          known.
        </p>
      ) : (
        <p className="muted" data-testid="at-risk-none">
          No model yet: no churn model has scored customers. Train one on the <Link href="/model">Model</Link>{' '}
          page; then the customers most likely to leave, ranked by the value they take with them, are on the
          at-risk list.
        </p>
      )}
    </section>
  );
}

function RecentCohortsCard({
  query,
  asOf,
}: {
  query: UseQueryResult<CohortMatrix, unknown>;
  asOf: string | undefined;
}) {
  const rows = query.data ? recentCohorts(query.data, 6, 3) : [];
  const chart = curvesChart(rows, { fromOffset: 1, maxOffset: 12 });
  const columns = curveColumns(chart, 'Months since first order', formatPercent);
  const when = asOf ? `: cohorts that had started by ${formatDay(asOf)}, their months up to that day` : '';
  return (
    <ChartCard
      title="Retention of recent cohorts"
      description={`Share of each month’s new customers who ordered again in each later month${when}.`}
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
          three months of history{asOf ? ` by ${formatDay(asOf)}` : ''}.
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
