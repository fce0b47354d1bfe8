import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { customerTimeline, daysOpen, forDays, inDays } from '../data/customerTimeline.ts';
import { formatDay, formatDayTime, formatMoney, formatPercent } from '../format.ts';
import { useTRPC } from '../trpc.ts';
import { ErrorState, LoadingBlock } from './states.tsx';

const OUTCOME_LABELS: Record<string, string> = {
  reached: 'Reached',
  offer_accepted: 'Accepted an offer',
  declined: 'Declined',
  no_answer: 'No answer',
  do_not_call: 'Asked not to be called',
};

/**
 * One customer beside the list: score and reasons, contact details, the history of orders,
 * complaints and returns, and earlier contacts. A modal dialog: focus stays inside, Escape closes,
 * and focus returns to the row it was opened from.
 */
export function CustomerPanel({ customerId, onClose }: { customerId: string; onClose: () => void }) {
  const trpc = useTRPC();
  const dialog = useRef<HTMLDialogElement>(null);
  const detail = useQuery(trpc.scores.customer.queryOptions({ customerId }));
  const outcomes = useQuery(trpc.atRisk.outcomes.queryOptions({ customerId }));

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
                  <dt>Segment</dt>
                  <dd>{d.score.segment}</dd>
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
          <section aria-labelledby="contacts-title">
            <h3 id="contacts-title">Earlier contacts</h3>
            {outcomes.data && outcomes.data.length > 0 ? (
              <ul>
                {outcomes.data.map((o) => (
                  <li key={`${o.contactedAt}-${o.outcome}`}>
                    {formatDayTime(o.contactedAt)}: {OUTCOME_LABELS[o.outcome] ?? o.outcome}
                    {o.note ? ` — ${o.note}` : ''}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">{outcomes.isPending ? 'Loading…' : 'Not contacted yet.'}</p>
            )}
          </section>
        </>
      )}
    </dialog>
  );
}
