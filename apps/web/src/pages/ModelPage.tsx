import { CANDIDATE_LABELS, HORIZON_DAYS, type ModelDetail, type TrainingEvent } from '@retain/schemas';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useState } from 'react';
import { ChartCard } from '../components/ChartCard.tsx';
import { PageHeader } from '../components/controls.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { BarChart, LineChart } from '../components/LazyChart.tsx';
import { ScrollRegion } from '../components/ScrollRegion.tsx';
import { EmptyState, ErrorState, QueryView } from '../components/states.tsx';
import { type ChartRow, numberAt } from '../data/chartData.ts';
import {
  calibrationChart,
  epochChart,
  epochsFromEvents,
  firstTrainingText,
  importanceChart,
  intervalText,
  liftChart,
  type MetricsRow,
  MODEL_LABELS,
  metricsRows,
  originsText,
  PHASE_LABELS,
  rocChart,
  selectionSummary,
  seriesColor,
  versusActiveText,
} from '../data/modelCharts.ts';
import { parameterErrorText } from '../data/parameterErrors.ts';
import type { Column } from '../data/table.ts';
import { formatDay, formatDayTime, formatDecimal, formatInteger, formatPercent } from '../format.ts';
import { useCanCall } from '../hooks/useViewer.ts';
import { useSearchParams } from '../router/location.ts';
import { useTRPC } from '../trpc.ts';

const three = new Intl.NumberFormat(undefined, { minimumFractionDigits: 3, maximumFractionDigits: 3 });
const f3 = (v: number | null | undefined) => (v === null || v === undefined ? '—' : three.format(v));
const times = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : `${formatDecimal(v)}×`;

const METRIC_COLUMNS: Column<MetricsRow>[] = [
  { key: 'label', label: 'Scorer', value: (r) => (r.active ? `${r.label} (active)` : r.label) },
  {
    key: 'auc',
    label: 'ROC AUC (95 % interval)',
    value: (r) => r.metrics.auc,
    format: (r) => intervalText(r.metrics.auc, r.auc),
    numeric: true,
    decimals: 3,
  },
  {
    key: 'versusActive',
    label: 'AUC against the active one',
    value: (r) => r.versusActive?.difference ?? (r.active ? 0 : null),
    format: (r) => versusActiveText(r),
    numeric: true,
    decimals: 3,
  },
  {
    key: 'prAuc',
    label: 'PR AUC (95 % interval)',
    value: (r) => r.metrics.prAuc,
    format: (r) => intervalText(r.metrics.prAuc, r.prAuc),
    numeric: true,
    decimals: 3,
  },
  {
    key: 'brier',
    label: 'Brier (95 % interval)',
    value: (r) => r.metrics.brier,
    format: (r) => intervalText(r.metrics.brier, r.brier),
    numeric: true,
    decimals: 3,
  },
  {
    key: 'calibrationError',
    label: 'Calibration error',
    value: (r) => r.metrics.calibrationError,
    format: (r) => f3(r.metrics.calibrationError),
    numeric: true,
    decimals: 3,
  },
  {
    key: 'liftTop10',
    label: 'Lift, top 10 %',
    value: (r) => r.metrics.liftTop10,
    format: (r) => times(r.metrics.liftTop10),
    numeric: true,
    decimals: 2,
  },
  {
    key: 'captureTop10',
    label: 'Churners in top 10 %',
    value: (r) => r.metrics.captureTop10,
    format: (r) => formatPercent(r.metrics.captureTop10),
    numeric: true,
    decimals: 3,
  },
];

const IMPORTANCE_COLUMNS: Column<ChartRow>[] = [
  { key: 'group', label: 'Inputs', value: (r) => String(r.group) },
  {
    key: 'importance',
    label: 'Mean change in log-odds',
    value: (r) => numberAt(r, 'importance'),
    format: (r) => f3(numberAt(r, 'importance')),
    numeric: true,
    decimals: 3,
  },
  {
    key: 'raisesRiskShare',
    label: 'Customers it raises the risk of',
    value: (r) => numberAt(r, 'raisesRiskShare'),
    format: (r) => formatPercent(numberAt(r, 'raisesRiskShare')),
    numeric: true,
    decimals: 3,
  },
];

/** The churn model: which scorer is active and why, how well every candidate predicts, and retraining. */
export default function ModelPage() {
  const trpc = useTRPC();
  const [search, update] = useSearchParams();
  const modelId = search.get('model') ?? undefined;
  const list = useQuery(trpc.model.list.queryOptions());
  const training = useTraining();
  const evaluation = useQuery({
    ...trpc.model.evaluation.queryOptions(modelId ? { modelId } : {}),
    enabled: (list.data?.length ?? 0) > 0,
  });

  return (
    <section aria-labelledby="page-title">
      <PageHeader title="Churn model">
        <p className="muted">
          Probability that a customer places no order in the next{' '}
          {evaluation.data?.horizonDays ?? HORIZON_DAYS.default} days, checked on snapshots the model never
          saw.
        </p>
      </PageHeader>
      <TrainCard training={training} />
      <QueryView
        query={list}
        label="the model versions"
        height={160}
        isEmpty={(l) => l.length === 0}
        empty={
          training.running ? (
            <FirstTraining last={training.last} />
          ) : (
            <EmptyState title="No model yet">
              {training.canTrain
                ? 'Press “Train now” above: it takes a few minutes on the demo data.'
                : 'An analyst or an admin can train one; it takes a few minutes on the demo data.'}
            </EmptyState>
          )
        }
      >
        {(versions) => (
          <>
            {evaluation.isError ? (
              <ErrorState
                error={evaluation.error}
                retry={() => void evaluation.refetch()}
                title="Could not load the evaluation"
              />
            ) : evaluation.data ? (
              <Evaluation detail={evaluation.data} />
            ) : (
              <p role="status">Loading the evaluation…</p>
            )}
            <section className="card" aria-labelledby="versions-title">
              <h2 id="versions-title">Versions</h2>
              <p className="muted">
                Select a version to see its evaluation; the active one scores the at-risk list.
              </p>
              <ScrollRegion label="Model versions">
                <DataTable
                  testId="model-versions"
                  columns={[
                    {
                      key: 'createdAt',
                      label: 'Trained',
                      value: (v) => v.createdAt,
                      format: (v) => formatDayTime(v.createdAt),
                    },
                    {
                      key: 'asOf',
                      label: 'Data as of',
                      value: (v) => v.asOf,
                      format: (v) => formatDay(v.asOf),
                    },
                    { key: 'scorer', label: 'Scorer', value: (v) => CANDIDATE_LABELS[v.scorer] },
                    {
                      key: 'auc',
                      label: 'ROC AUC',
                      value: (v) => v.validationAuc,
                      format: (v) => f3(v.validationAuc),
                      numeric: true,
                    },
                    {
                      key: 'bgnbd',
                      label: 'BG/NBD AUC',
                      value: (v) => v.bgnbdAuc,
                      format: (v) => f3(v.bgnbdAuc),
                      numeric: true,
                    },
                    { key: 'backend', label: 'Backend', value: (v) => v.backend },
                    {
                      key: 'seconds',
                      label: 'Training time',
                      value: (v) => v.trainSeconds,
                      format: (v) => `${formatInteger(v.trainSeconds)} s`,
                      numeric: true,
                    },
                    {
                      key: 'active',
                      label: 'Scores the list',
                      value: (v) => (v.active ? 'yes' : ''),
                      format: (v) => (v.active ? 'Active' : ''),
                    },
                  ]}
                  rows={versions}
                  rowKey={(v) => v.modelId}
                  selectedKey={evaluation.data?.modelId ?? null}
                  onOpen={(v) => update({ model: v.modelId })}
                  caption="Model versions"
                />
              </ScrollRegion>
            </section>
          </>
        )}
      </QueryView>
    </section>
  );
}

/** The current training run (started here, by another user, or by the server itself) and "train now". */
function useTraining() {
  const trpc = useTRPC();
  const client = useQueryClient();
  const status = useQuery(trpc.model.status.queryOptions());
  const train = useMutation(trpc.model.train.mutationOptions());
  const canTrain = useCanCall('model.train');
  const [received, setReceived] = useState<TrainingEvent[]>([]);
  const jobId = train.data?.jobId ?? status.data?.running?.jobId ?? null;
  const events = received.filter((e) => e.jobId === jobId);
  useSubscription(
    trpc.model.progress.subscriptionOptions(jobId ? { jobId } : {}, {
      enabled: jobId !== null,
      onData: (event) => {
        setReceived((all) => [...all, event]);
        if (event.phase === 'done') {
          // A new version scored every customer: every figure that reads scores is stale.
          void client.invalidateQueries();
        }
      },
    }),
  );
  const latest = status.data?.latest ?? null;
  const last = events.at(-1) ?? (latest && (!jobId || latest.jobId === jobId) ? latest : null);
  const running = train.isPending || (jobId !== null && last?.phase !== 'done' && last?.phase !== 'failed');
  return {
    canTrain,
    start: () => train.mutate({}),
    starting: train.isPending,
    error: train.isError ? train.error : null,
    last,
    running,
    epochs: epochsFromEvents(events),
  };
}
type Training = ReturnType<typeof useTraining>;

/** While the first version trains: how far it has got, and what the page will show when it is done. */
function FirstTraining({ last }: { last: TrainingEvent | null }) {
  const text = firstTrainingText(last);
  return (
    <div className="empty-state" data-testid="first-training" role="status">
      <p className="empty-title">{text.title}</p>
      <div className="muted">
        <p>{text.progress}</p>
        <p>{text.next}</p>
      </div>
    </div>
  );
}

/** "Train now" and the live progress of the current run (also one started by the server itself). */
function TrainCard({ training }: { training: Training }) {
  const { last, running, epochs } = training;
  return (
    <section className="card" aria-labelledby="train-title" data-testid="train-card">
      <div className="card-header">
        <div>
          <h2 id="train-title">Training</h2>
          <p className="muted">
            Retrain after loading new data: features, every candidate scorer fitted and compared out of time,
            the best refitted, and scores, in the background.
          </p>
        </div>
        {training.canTrain ? (
          <button
            type="button"
            className="primary"
            onClick={training.start}
            disabled={running || training.starting}
            data-testid="train-button"
          >
            {running ? 'Training…' : 'Train now'}
          </button>
        ) : (
          <p className="muted">Analysts and admins can retrain the model.</p>
        )}
      </div>
      {training.error ? <ErrorState error={training.error} title="Training could not start" /> : null}
      {last ? (
        <div role="status" aria-live="polite" data-testid="train-progress">
          <p>
            <strong>{PHASE_LABELS[last.phase]}</strong>
            {last.epoch !== undefined ? ` · epoch ${last.epoch}` : ''}
            {last.loss !== undefined ? ` · loss ${f3(last.loss)}` : ''}
            {last.holdoutAuc !== undefined && last.holdoutAuc !== null
              ? ` · hold-out AUC ${f3(last.holdoutAuc)}`
              : ''}
            {last.phase === 'failed' && last.error
              ? ` — ${last.problem ? parameterErrorText(last.problem) : last.error}`
              : ''}
            <span className="muted"> · {last.message}</span>
          </p>
          <progress
            max={100}
            value={last.percent}
            aria-label="Training progress"
            data-testid="train-percent"
          />
        </div>
      ) : running ? (
        <p role="status">Starting…</p>
      ) : (
        <p className="muted">No training has run since the server started.</p>
      )}
      {epochs.length > 1 ? (
        <LineChart
          title={`Loss and hold-out AUC per epoch of the network: ${
            epochs[0]?.phase === 'validation-fit'
              ? 'fitted before an out-of-time snapshot'
              : 'refitted on all snapshots'
          }`}
          data={epochs}
          xKey="epoch"
          xType="number"
          series={[
            { key: 'loss', label: 'Loss', color: 'var(--series-3)' },
            { key: 'holdoutAuc', label: 'Hold-out AUC', color: 'var(--series-1)' },
          ]}
          yFormat={(v) => f3(v)}
          height={200}
          dots={false}
        />
      ) : null}
    </section>
  );
}

function Evaluation({ detail }: { detail: ModelDetail }) {
  const rows = metricsRows(detail);
  const summary = selectionSummary(detail);
  const lift = liftChart(rows);
  const liftSeries = rows.map((r) => ({ key: r.key, label: r.label, color: seriesColor(r.key) }));
  const calibration = calibrationChart(detail.evaluation.validation);
  const history = epochChart(detail.evaluation.history.finalFit);
  const curves = detail.evaluation.curves;
  const roc = curves ? rocChart(curves, rows) : null;
  const rocColumns: Column<ChartRow>[] = [
    {
      key: 'fpr',
      label: 'False-positive rate',
      value: (r) => numberAt(r, 'fpr'),
      format: (r) => formatPercent(numberAt(r, 'fpr')),
      numeric: true,
      decimals: 3,
    },
    ...(roc?.series ?? []).map((s) => ({
      key: s.key,
      label: s.key === 'chance' ? 'Chance' : `${MODEL_LABELS[s.key as keyof typeof MODEL_LABELS]} TPR`,
      value: (r: ChartRow) => numberAt(r, s.key),
      format: (r: ChartRow) => formatPercent(numberAt(r, s.key)),
      numeric: true,
      decimals: 3,
    })),
  ];
  const importance = detail.evaluation.featureImportance
    ? importanceChart(detail.evaluation.featureImportance)
    : [];
  return (
    <>
      <section className="card" aria-labelledby="metrics-title" data-testid="model-metrics">
        <h2 id="metrics-title">
          Version of {formatDayTime(detail.createdAt)}
          {detail.active ? ' (active)' : ''}: {summary.active} scores the customers
        </h2>
        <p data-testid="selection-reason">{summary.sentence}</p>
        {summary.warning ? (
          <p className="as-of-note" data-testid="selection-warning">
            <strong>Too little data to be sure.</strong> <span>{summary.warning}</span>
          </p>
        ) : null}
        <p className="muted">
          {originsText(detail)} The active scorer was then refitted on{' '}
          {formatInteger(detail.evaluation.rows.final)} customer snapshots; training took{' '}
          {formatInteger(detail.trainSeconds)} s ({detail.backend}).
        </p>
        <ScrollRegion label="Metrics of every candidate scorer">
          <DataTable
            columns={METRIC_COLUMNS}
            rows={rows}
            rowKey={(r) => r.key}
            caption="Metrics of every candidate scorer, out of time"
            testId="metrics-table"
          />
        </ScrollRegion>
        {detail.evaluation.selection ? (
          <details className="chart-table">
            <summary>How the active scorer is chosen</summary>
            <p className="muted" data-testid="selection-rule">
              {detail.evaluation.selection.rule}
            </p>
          </details>
        ) : null}
        {detail.evaluation.notes.length > 0 ? (
          <ul className="muted">
            {detail.evaluation.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        ) : null}
      </section>
      <div className="grid-3">
        <ChartCard
          title="ROC curves"
          description="Share of churners caught (true-positive rate) against share of stayers flagged (false-positive rate) as the threshold falls; the dashed diagonal is chance."
          columns={rocColumns}
          rows={roc?.data ?? []}
          testId="chart-roc"
        >
          {roc ? (
            <LineChart
              title="ROC curves of every candidate scorer"
              data={roc.data}
              xKey="fpr"
              xType="number"
              xFormat={(n) => formatPercent(Number(n))}
              yFormat={(n) => formatPercent(n)}
              yDomain={[0, 1]}
              xLabel="False-positive rate"
              series={roc.series}
              height={300}
              dots={false}
            />
          ) : (
            <EmptyState title="No ROC curves for this version">
              It was trained before curves were stored; the next training run stores them.
            </EmptyState>
          )}
        </ChartCard>
        <ChartCard
          title="Calibration"
          description="The active scorer's predicted against observed churn per probability band; the dashed line is perfect."
          columns={[
            {
              key: 'predicted',
              label: 'Mean predicted',
              value: (r: ChartRow) => (typeof r.predicted === 'number' ? r.predicted : null),
              numeric: true,
            },
            {
              key: 'observed',
              label: 'Observed',
              value: (r: ChartRow) => (typeof r.observed === 'number' ? r.observed : null),
              numeric: true,
            },
            {
              key: 'count',
              label: 'Customers',
              value: (r: ChartRow) => (typeof r.count === 'number' ? r.count : null),
              numeric: true,
            },
          ]}
          rows={calibration}
          testId="chart-calibration"
        >
          <LineChart
            title="Calibration of the active scorer"
            data={calibration}
            xKey="predicted"
            xType="number"
            xFormat={(n) => formatPercent(Number(n))}
            yFormat={(n) => formatPercent(n)}
            series={[
              { key: 'observed', label: 'Observed churn' },
              { key: 'ideal', label: 'Perfect calibration', color: 'var(--muted)', dashed: true },
            ]}
            height={230}
          />
        </ChartCard>
        <ChartCard
          title="Lift"
          description="Churn rate among the top-scored customers over the overall rate."
          columns={[
            { key: 'top', label: 'Customers', value: (r: ChartRow) => String(r.top) },
            ...liftSeries.map((s) => ({
              key: s.key,
              label: s.label,
              value: (r: ChartRow) => (typeof r[s.key] === 'number' ? (r[s.key] as number) : null),
              numeric: true,
            })),
          ]}
          rows={lift}
          testId="chart-lift"
        >
          <BarChart
            title="Lift of every candidate scorer"
            data={lift}
            xKey="top"
            series={liftSeries}
            yFormat={(n) => times(n)}
            height={260}
          />
        </ChartCard>
      </div>
      <div className="grid-2">
        <ChartCard
          title="What drives the risk"
          description="How far each group of inputs moves a customer's predicted churn under the active scorer, on average (change in log-odds when the group is set to the average customer's)."
          columns={IMPORTANCE_COLUMNS}
          rows={importance}
          testId="chart-importance"
        >
          {importance.length > 0 ? (
            <BarChart
              title="Importance of each group of inputs"
              data={importance}
              xKey="group"
              horizontal
              series={[{ key: 'importance', label: 'Mean change in log-odds' }]}
              yFormat={(n) => f3(n)}
              barColor={(_, i) => (i === 0 ? 'var(--series-1)' : 'var(--series-7)')}
              height={Math.max(200, 34 * importance.length + 40)}
            />
          ) : (
            <EmptyState title="No feature importance for this version">
              It was trained before importance was stored; the next training run stores it.
            </EmptyState>
          )}
          <details className="chart-table">
            <summary>The {detail.features.length} inputs the scorers read</summary>
            <ScrollRegion label="Model features" style={{ maxHeight: 320 }}>
              <DataTable
                columns={[
                  { key: 'name', label: 'Feature', value: (f) => f.name },
                  { key: 'group', label: 'Group', value: (f) => f.group ?? '' },
                  { key: 'description', label: 'Meaning', value: (f) => f.description },
                ]}
                rows={detail.features}
                rowKey={(f) => f.name}
                caption="Model features"
                testId="features-table"
              />
            </ScrollRegion>
          </details>
        </ChartCard>
        <ChartCard
          title="Training history"
          description="Loss and hold-out AUC per epoch of the network's final fit."
          columns={[
            {
              key: 'epoch',
              label: 'Epoch',
              value: (r: ChartRow) => (typeof r.epoch === 'number' ? r.epoch : null),
              numeric: true,
            },
            {
              key: 'loss',
              label: 'Loss',
              value: (r: ChartRow) => (typeof r.loss === 'number' ? r.loss : null),
              numeric: true,
            },
            {
              key: 'holdoutAuc',
              label: 'Hold-out AUC',
              value: (r: ChartRow) => (typeof r.holdoutAuc === 'number' ? r.holdoutAuc : null),
              numeric: true,
            },
          ]}
          rows={history}
          testId="chart-history"
        >
          {history.length > 0 ? (
            <LineChart
              title="Training history"
              data={history}
              xKey="epoch"
              xType="number"
              series={[
                { key: 'loss', label: 'Loss', color: 'var(--series-3)' },
                { key: 'holdoutAuc', label: 'Hold-out AUC', color: 'var(--series-1)' },
              ]}
              yFormat={(n) => f3(n)}
              height={260}
              dots={false}
            />
          ) : (
            <EmptyState title="No network in the active scorer">
              {summary.active} needs no epochs: the network was fitted and compared out of time, but not
              refitted.
            </EmptyState>
          )}
        </ChartCard>
      </div>
    </>
  );
}
