import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { PHASE_LABELS } from '../data/modelCharts.ts';
import { formatDayTime } from '../format.ts';
import { useCanCall } from '../hooks/useViewer.ts';
import { Link } from '../router/Link.tsx';
import { useTRPC } from '../trpc.ts';
import { ErrorState } from './states.tsx';

/** How often the training's progress is read while it runs. */
const POLL_MS = 1500;
/** How often the page looks for a training while none runs (the server starts the first by itself). */
const WAIT_POLL_MS = 3000;

/**
 * What the At risk page shows before there are churn scores: the first model's training as it
 * runs (the server trains one by itself once data is loaded), what the list will hold once it is
 * done, and, when no training runs, a way to start one from here. Calls `onReady` when a run ends
 * well, so the list appears without a reload.
 */
export function FirstModelState({ onReady }: { onReady: () => void }) {
  const trpc = useTRPC();
  const status = useQuery({
    ...trpc.model.status.queryOptions(),
    // Read while none runs too: the server starts the first training by itself once data is loaded,
    // and a run may end between the list's read and this one.
    refetchInterval: (query) => (query.state.data?.running ? POLL_MS : WAIT_POLL_MS),
  });
  const info = useQuery(trpc.info.get.queryOptions());
  const train = useMutation(trpc.model.train.mutationOptions());
  const canTrain = useCanCall('model.train');
  const running = status.data?.running ?? null;
  const latest = status.data?.latest ?? null;
  const event = running && latest?.jobId === running.jobId ? latest : null;

  // A run has ended well (one this page watched, or one that ended before the page saw it run):
  // scores are there, so the list is read again, once per run (a failure is shown below).
  const readied = useRef<string | null>(null);
  useEffect(() => {
    if (!running && latest?.phase === 'done' && readied.current !== latest.jobId) {
      readied.current = latest.jobId;
      onReady();
    }
  }, [running, latest, onReady]);
  useEffect(() => {
    if (train.isSuccess) void status.refetch();
  }, [train.isSuccess, status.refetch]);

  const willShow = (
    <p className="muted">
      Then this page lists the customers most likely to leave, ranked by the revenue their leaving would cost,
      each with the reasons to use on the phone, a number to call and the outcome of the last call; a week’s
      calls first. It appears here by itself when the model is ready.
    </p>
  );

  if (running) {
    return (
      <section className="card first-run" aria-labelledby="first-run-title" data-testid="first-model">
        <h2 id="first-run-title">Training the first churn model</h2>
        <div role="status" aria-live="polite" data-testid="first-model-progress">
          <p>
            <strong>{event ? PHASE_LABELS[event.phase] : 'Starting'}</strong>
            {event ? <span className="muted"> · {event.message}</span> : null}
          </p>
          <progress
            max={100}
            value={event?.percent ?? 0}
            aria-label="Training progress"
            data-testid="first-model-percent"
          />
          <p className="muted">
            Started {formatDayTime(running.startedAt)}. It takes a few minutes on a large shop; follow the
            details on the <Link href="/model">Model</Link> page.
          </p>
        </div>
        {willShow}
      </section>
    );
  }

  if (info.data && info.data.purchases.rows === 0) {
    return (
      <section className="card first-run" aria-labelledby="first-run-title" data-testid="first-model">
        <h2 id="first-run-title">No orders loaded yet</h2>
        <p>
          A churn model learns from the shop’s orders: once they are loaded on the{' '}
          <Link href="/data">Data</Link> page (by an admin), a first model is trained.
        </p>
        {willShow}
      </section>
    );
  }

  const failed = latest?.phase === 'failed' ? latest : null;
  return (
    <section className="card first-run" aria-labelledby="first-run-title" data-testid="first-model">
      <h2 id="first-run-title">{failed ? 'The churn model could not be trained' : 'No churn model yet'}</h2>
      {failed ? (
        <p data-testid="first-model-failed">{failed.error ?? failed.message}</p>
      ) : (
        <p>A churn model ranks this list; none has been trained on this data yet.</p>
      )}
      {canTrain ? (
        <p>
          <button
            type="button"
            className="primary"
            onClick={() => train.mutate({})}
            disabled={train.isPending || status.isPending}
            data-testid="first-model-train"
          >
            {train.isPending ? 'Starting…' : failed ? 'Train again' : 'Train a model'}
          </button>
        </p>
      ) : (
        <p className="muted">An analyst or an admin trains one on the Model page.</p>
      )}
      {train.isError ? <ErrorState error={train.error} title="Training could not start" /> : null}
      {willShow}
    </section>
  );
}
