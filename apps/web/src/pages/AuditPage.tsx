import type { RouterOutputs } from '@retain/api';
import { useQuery } from '@tanstack/react-query';
import { PageHeader, SelectField } from '../components/controls.tsx';
import { type RecordColumn, RecordTable } from '../components/RecordTable.tsx';
import { EmptyState, QueryView } from '../components/states.tsx';
import { AUDIT_ACTIONS, auditActionLabel, auditDetailText, auditInputFromSearch } from '../data/auditLog.ts';
import { formatDayTime } from '../format.ts';
import { useSearchParams } from '../router/location.ts';
import { useTRPC } from '../trpc.ts';

const ACTION_OPTIONS = [
  { value: '', label: 'All actions' },
  ...Object.entries(AUDIT_ACTIONS).map(([value, label]) => ({ value, label })),
];

type AuditEntry = RouterOutputs['audit']['list'][number];

const AUDIT_COLUMNS: RecordColumn<AuditEntry>[] = [
  { key: 'id', label: '#', className: 'num', cell: (e) => e.auditId },
  { key: 'at', label: 'When (UTC)', cell: (e) => formatDayTime(e.at) },
  { key: 'user', label: 'User', cell: (e) => e.username ?? <span className="muted">—</span> },
  { key: 'action', label: 'Action', cell: (e) => auditActionLabel(e.action, e.detail) },
  {
    key: 'detail',
    label: 'Detail',
    className: 'detail',
    title: (e) => JSON.stringify(e.detail),
    cell: (e) => auditDetailText(e.detail),
  },
];

/** Who did what and when: sign-ins, user changes, exports, SQL, loads, trainings and call outcomes. */
export default function AuditPage() {
  const trpc = useTRPC();
  const [search, update] = useSearchParams();
  const input = auditInputFromSearch(search);
  const entries = useQuery(trpc.audit.list.queryOptions(input));
  const users = useQuery(trpc.users.list.queryOptions());

  const userNames = (users.data ?? []).map((u) => u.username);
  // A removed user's entries stay in the log: keep their name selectable when it is in the link.
  if (input.username && !userNames.includes(input.username)) userNames.push(input.username);
  const actionOptions =
    input.action && !ACTION_OPTIONS.some((o) => o.value === input.action)
      ? [...ACTION_OPTIONS, { value: input.action, label: input.action }]
      : ACTION_OPTIONS;

  const rows = entries.data ?? [];
  const oldest = rows.at(-1)?.auditId;
  const more = rows.length === input.limit;
  return (
    <section aria-labelledby="page-title">
      <PageHeader title="Audit log">
        <p className="muted">
          Every sign-in (and failed attempt), change of users, export of call lists and scores, SQL query,
          data load, training started and call outcome recorded, newest first. Entries are never changed or
          removed.
        </p>
      </PageHeader>
      <form className="card filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <SelectField
          label="User"
          value={input.username ?? ''}
          options={[{ value: '', label: 'Everyone' }, ...userNames.map((u) => ({ value: u, label: u }))]}
          onChange={(v) => update({ user: v, before: null })}
          testId="audit-user"
        />
        <SelectField
          label="Action"
          value={input.action ?? ''}
          options={actionOptions}
          onChange={(v) => update({ action: v, before: null })}
          testId="audit-action"
        />
      </form>
      <section className="card" aria-labelledby="audit-title">
        <h2 id="audit-title">
          {input.beforeId === undefined ? 'Latest entries' : `Entries before #${input.beforeId}`}
        </h2>
        <QueryView
          query={entries}
          label="the audit log"
          height={320}
          isEmpty={(list) => list.length === 0}
          empty={
            <EmptyState title="No entries">
              {input.username || input.action
                ? 'Nothing matches these filters.'
                : 'Nothing has been recorded yet.'}
            </EmptyState>
          }
        >
          {(list) => (
            <RecordTable
              label="Audit log entries"
              columns={AUDIT_COLUMNS}
              rows={list}
              rowKey={(e) => e.auditId}
              rowAttributes={(e) => ({ 'data-action': e.action })}
              testId="audit-table"
            />
          )}
        </QueryView>
        <div className="pager">
          <button
            type="button"
            onClick={() => update({ before: null })}
            disabled={input.beforeId === undefined}
            data-testid="audit-newest"
          >
            Newest
          </button>
          <button
            type="button"
            onClick={() => update({ before: oldest === undefined ? null : String(oldest) })}
            disabled={!more || oldest === undefined}
            data-testid="audit-older"
          >
            Older entries →
          </button>
        </div>
      </section>
    </section>
  );
}
