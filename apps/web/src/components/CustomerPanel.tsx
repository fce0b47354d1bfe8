import { OUTCOMES, type Outcome, segmentStanding } from '@retain/schemas';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { OUTCOME_LABELS } from '../data/callListText.ts';
import { customerTimeline, daysOpen, forDays, inDays } from '../data/customerTimeline.ts';
import { formatDay, formatDayTime, formatMoney, formatPercent } from '../format.ts';
import { useCanCall } from '../hooks/useViewer.ts';
import { useTRPC } from '../trpc.ts';
import { ErrorState, LoadingBlock } from './states.tsx';

/**
 * One customer beside the list: score and reasons, contact details, what came of calling them
 * (recorded here), earlier contacts, and the history of orders, complaints and returns. A modal dialog: focus stays inside, Escape closes,
 * and focus returns to the row it was opened from.
 */
export function CustomerPanel({ customerId, onClose }: { customerId: string; onClose: () => void }) {
  const trpc = useTRPC();
  const dialog = useRef<HTMLDialogElement>(null);
  const detail = useQuery(trpc.scores.customer.queryOptions({ customerId }));
  const outcomes = useQuery(trpc.atRisk.outcomes.queryOptions({ customerId }));
  const canRecord = useCanCall('atRisk.recordOutcome');

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);

  const d = detail.data;
  const timeline = d ? customerTimeline(d) : [];
  const now = d?.score?.asOf ? `${d.score.asOf}T23:59:59Z` : new Date().toISOString();
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the backdrop click is a mouse shortcut; Escape (onCancel) and the Close button are the keyboard ways
    <dialog
      ref={dialog}
      className="side-panel"
      aria-labelledby="customer-title"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        // A click on the backdrop (the dialog box itself, outside its content) closes it.
        if (e.target === dialog.current) onClose();
      }}
      data-testid="customer-panel"
    >
      <div className="card-header">
        <div>
          <h2 id="customer-title">{d?.profile?.name ?? customerId}</h2>
          <p className="muted">{customerId}</p>
        </div>
        <button type="button" onClick={onClose} aria-label="Close the customer panel">
          Close
        </button>
      </div>
      {detail.isError ? (
        <ErrorState
          error={detail.error}
          retry={() => void detail.refetch()}
          title="Could not load the customer"
        />
      ) : !d ? (
        <LoadingBlock label="Loading the customer…" height={400} />
      ) : (
        <>
          {d.score ? (
            <section aria-labelledby="score-title">
              <h3 id="score-title">Churn risk</h3>
              <dl className="stats">
                <div>
                  <dt>Probability</dt>
                  <dd data-testid="panel-probability">{formatPercent(d.score.churnProbability)}</dd>
                </div>
                <div>
                  <dt>Value at risk</dt>
                  <dd>{formatMoney(d.score.valueAtRisk)}</dd>
                </div>
                <div>
                  <dt>Standing</dt>
                  <dd data-testid="panel-standing" title={`RFM segment: ${d.score.segment}`}>
                    {segmentStanding(d.score.segment, d.score.churnProbability)}
                  </dd>
                </div>
              </dl>
              <h4>Why</h4>
              {d.score.reasons.length > 0 ? (
                <ul className="reasons" data-testid="panel-reasons">
                  {d.score.reasons.map((r) => (
                    <li key={r}>{r}</li>
                  ))}
                </ul>
              ) : (
                <p className="muted">No single reason stands out.</p>
              )}
              <p className="muted">Scored {formatDay(d.score.asOf)}.</p>
            </section>
          ) : (
            <p className="muted">This customer has no score in the latest run.</p>
          )}
          {d.profile ? (
            <section aria-labelledby="contact-title">
              <h3 id="contact-title">Contact</h3>
              <p>
                {d.profile.phone ?? 'no phone'} · {d.profile.email ?? 'no email'}
                <br />
                <span className="muted">
                  {[d.profile.region, d.profile.channel].filter(Boolean).join(' · ')}
                  {d.profile.signupDate ? ` · customer since ${formatDay(d.profile.signupDate)}` : ''}
                </span>
              </p>
            </section>
          ) : null}
          {canRecord ? <RecordOutcome customerId={customerId} /> : null}
          <section aria-labelledby="contacts-title">
            <h3 id="contacts-title">Earlier contacts</h3>
            {outcomes.data && outcomes.data.length > 0 ? (
              <ul data-testid="panel-contacts">
                {outcomes.data.map((o) => (
                  <li key={`${o.contactedAt}-${o.outcome}`}>
                    {formatDayTime(o.contactedAt)}: {OUTCOME_LABELS[o.outcome]}
                    {o.note ? ` — ${o.note}` : ''}
                    {o.recordedBy ? <span className="muted"> ({o.recordedBy})</span> : null}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">{outcomes.isPending ? 'Loading…' : 'Not contacted yet.'}</p>
            )}
          </section>
          <section aria-labelledby="history-title">
            <h3 id="history-title">History</h3>
            <p className="muted">
              {d.orders.length} orders, {d.complaints.length} complaints, {d.returns.length} returns
            </p>
            <ol className="timeline" data-testid="panel-timeline">
              {timeline.map((e) => (
                <li key={`${e.kind}-${e.id}`} className={e.kind}>
                  <strong>{formatDay(e.at)}</strong>{' '}
                  {e.kind === 'order'
                    ? `Order ${e.id}: ${formatMoney(e.value)} (${e.lines} line${e.lines === 1 ? '' : 's'})`
                    : e.kind === 'return'
                      ? `Return ${e.id}${e.orderId ? ` of ${e.orderId}` : ''}: ${formatMoney(e.amount)}`
                      : `Complaint ${e.id}${e.category ? ` (${e.category})` : ''}: ${e.resolvedAt ? `resolved ${inDays(daysOpen(e.at, e.resolvedAt, now))}` : `open ${forDays(daysOpen(e.at, null, now))}`}`}
                </li>
              ))}
            </ol>
          </section>
        </>
      )}
    </dialog>
  );
}

/**
 * What came of a call, recorded with an optional note. The customer's contacts and the call list
 * are fetched again: an outcome can move them (recently contacted) or take them off ("do not call").
 */
function RecordOutcome({ customerId }: { customerId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const record = useMutation(trpc.atRisk.recordOutcome.mutationOptions());
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [note, setNote] = useState('');
  const [recorded, setRecorded] = useState<Outcome | null>(null);
  const name = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!outcome) return;
    const trimmed = note.trim();
    record.mutate(
      { customerId, outcome, ...(trimmed ? { note: trimmed } : {}) },
      {
        onSuccess: async (stored) => {
          setRecorded(stored.outcome);
          setOutcome(null);
          setNote('');
          await Promise.all([
            queryClient.invalidateQueries(trpc.atRisk.outcomes.queryFilter({ customerId })),
            queryClient.invalidateQueries(trpc.atRisk.list.pathFilter()),
          ]);
        },
      },
    );
  };

  return (
    <section aria-labelledby="record-title">
      <h3 id="record-title">Record a contact</h3>
      <form onSubmit={submit} className="record-outcome" data-testid="record-outcome">
        <fieldset>
          <legend>Outcome</legend>
          <div className="outcome-options">
            {OUTCOMES.map((o) => (
              <label key={o}>
                <input
                  type="radio"
                  name={name}
                  value={o}
                  checked={outcome === o}
                  onChange={() => {
                    setOutcome(o);
                    setRecorded(null);
                  }}
                />
                {OUTCOME_LABELS[o]}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="field">
          <label htmlFor={`${name}-note`}>Note (optional)</label>
          <textarea
            id={`${name}-note`}
            rows={2}
            maxLength={2000}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            data-testid="outcome-note"
          />
        </div>
        <div className="row">
          <button
            type="submit"
            className="primary"
            disabled={!outcome || record.isPending}
            data-testid="record-outcome-submit"
          >
            {record.isPending ? 'Recording…' : 'Record'}
          </button>
          <p role="status" className="muted" data-testid="record-outcome-status">
            {recorded
              ? `Recorded: ${OUTCOME_LABELS[recorded]}.${recorded === 'do_not_call' ? ' They are off the call list from now on.' : ''}`
              : ''}
          </p>
        </div>
        {record.isError ? <ErrorState error={record.error} title="The outcome was not recorded" /> : null}
      </form>
    </section>
  );
}
