import type { RouterOutputs } from '@retain/api';
import type { AlertRule } from '@retain/schemas';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { PageHeader, SelectField } from '../components/controls.tsx';
import { type RecordColumn, RecordTable } from '../components/RecordTable.tsx';
import { ReportDownload } from '../components/ReportDownload.tsx';
import { QueryView } from '../components/states.tsx';
import {
  type AlertForm,
  CONDITION_OPTIONS,
  describeRule,
  describeScope,
  EMPTY_FORM,
  type FormErrors,
  fieldOfError,
  hostsFromText,
  METRIC_OPTIONS,
  ruleFromForm,
  settingOfError,
  thresholdHint,
} from '../data/alertRules.ts';
import { readableErrorMessage } from '../data/apiErrors.ts';
import { canCall } from '../data/pageAccess.ts';
import { formatDayTime } from '../format.ts';
import { useViewer } from '../hooks/useViewer.ts';
import { useTRPC } from '../trpc.ts';

/**
 * Alert rules on the KPIs: a new rule with its figure now and whether it would fire, the rules,
 * what fired and recovered (opening the page marks it read), and for admins the allowed webhook
 * hosts, the schedules and the deliveries that failed.
 */
export default function AlertsPage() {
  const role = useViewer().role;
  const admin = canCall(role, 'alerts.settings');
  return (
    <section aria-labelledby="page-title">
      <PageHeader title="Alerts" actions={canCall(role, 'alerts.check') ? <CheckNow /> : null}>
        <p className="muted">
          Rules on the overview’s figures, checked after every load and on a schedule. A breach is sent once
          per rule and period, to the webhooks below and to this page; a recovery when it clears.
        </p>
      </PageHeader>
      <ExecutiveReport admin={admin} />
      <NewAlert />
      <Rules />
      <History />
      {admin ? <FailedDeliveries /> : null}
      {admin ? <Settings /> : null}
    </section>
  );
}

/** The report the weekly schedule sends, made now: the whole data as of its last day, no filters. */
function ExecutiveReport({ admin }: { admin: boolean }) {
  return (
    <section className="card" aria-labelledby="report-title" data-testid="executive-report">
      <h2 id="report-title">Executive report</h2>
      <p className="muted">
        The overview’s figures with their change over 90 days and its summary sentence, the trend and the
        cohort heatmap, for all customers as of the data’s last day: one page to forward (HTML that opens in a
        mail client, or PDF).{' '}
        {admin
          ? 'It is also sent on the report schedule to the folder or webhook set under Delivery settings.'
          : 'It is also sent on a schedule to where an admin set it.'}
      </p>
      <ReportDownload />
    </section>
  );
}

function CheckNow() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const check = useMutation(trpc.alerts.check.mutationOptions());
  return (
    <div className="row">
      <button
        type="button"
        disabled={check.isPending}
        data-testid="check-now"
        onClick={() =>
          check.mutate(undefined, {
            onSuccess: () => {
              void queryClient.invalidateQueries(trpc.alerts.rules.queryFilter());
              void queryClient.invalidateQueries(trpc.alerts.history.queryFilter());
              void queryClient.invalidateQueries(trpc.alerts.unread.queryFilter());
              void queryClient.invalidateQueries(trpc.alerts.failedDeliveries.queryFilter());
            },
          })
        }
      >
        {check.isPending ? 'Checking…' : 'Check now'}
      </button>
      <span role="status" className="muted" data-testid="check-status">
        {check.data
          ? `Checked ${check.data.checked} rule${check.data.checked === 1 ? '' : 's'}: ${check.data.fired.length} fired, ${check.data.recovered.length} recovered.`
          : check.isError
            ? readableErrorMessage(check.error)
            : ''}
      </span>
    </div>
  );
}

/** The form waits this long after the last keystroke before asking for the figure now. */
const PREVIEW_DELAY_MS = 300;

function NewAlert() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [form, setForm] = useState<AlertForm>(EMPTY_FORM);
  const [touched, setTouched] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const values = useQuery(trpc.filters.values.queryOptions());
  const add = useMutation(trpc.alerts.add.mutationOptions());
  const parsed = ruleFromForm(form);
  const rule = 'rule' in parsed ? parsed.rule : null;
  const [previewInput, setPreviewInput] = useState(rule);
  const ruleKey = JSON.stringify(rule);
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on the rule's content
  useEffect(() => {
    const timer = setTimeout(() => setPreviewInput(rule), PREVIEW_DELAY_MS);
    return () => clearTimeout(timer);
  }, [ruleKey]);
  const preview = useQuery({
    ...trpc.alerts.preview.queryOptions(
      previewInput ?? { name: '', metric: 'churnRate', condition: 'above', threshold: 0 },
    ),
    enabled: previewInput !== null,
    retry: false,
  });
  const set = <K extends keyof AlertForm>(key: K, value: AlertForm[K]) => {
    setSaved(null);
    setForm((f) => ({ ...f, [key]: value }));
  };
  const serverError = add.error ?? preview.error;
  const refusal = serverError ? fieldOfError(readableErrorMessage(serverError)) : null;
  const errors: FormErrors = {
    ...(touched && 'errors' in parsed ? parsed.errors : {}),
    ...(refusal?.field ? { [refusal.field]: refusal.text } : {}),
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!rule) return;
    add.mutate(rule, {
      onSuccess: async (r) => {
        setSaved(`Saved “${r.name}”.`);
        setForm(EMPTY_FORM);
        setPreviewInput(null);
        setTouched(false);
        await queryClient.invalidateQueries(trpc.alerts.rules.queryFilter());
      },
    });
  };
  const options = (list: readonly string[] | undefined, none: string) => [
    { value: '', label: none },
    ...(list ?? []).map((v) => ({ value: v, label: v })),
  ];
  const now = previewInput && preview.data ? preview.data.now : null;
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>New alert</h2>
      <form className="alert-form" onSubmit={submit} noValidate data-testid="new-alert">
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input
            id={`${id}-name`}
            type="text"
            maxLength={120}
            value={form.name}
            onChange={(e) => set('name', e.target.value)}
            aria-invalid={errors.name ? true : undefined}
            aria-describedby={errors.name ? `${id}-name-error` : undefined}
            data-testid="alert-name"
          />
          {errors.name ? (
            <span id={`${id}-name-error`} className="field-error" data-testid="alert-name-error">
              {errors.name}
            </span>
          ) : null}
        </div>
        <SelectField
          label="Figure"
          value={form.metric}
          options={METRIC_OPTIONS}
          onChange={(v) => set('metric', v)}
          testId="alert-metric"
        />
        <SelectField
          label="Condition"
          value={form.condition}
          options={CONDITION_OPTIONS}
          onChange={(v) => set('condition', v)}
          testId="alert-condition"
        />
        <div className="field">
          <label htmlFor={`${id}-threshold`}>Threshold</label>
          <input
            id={`${id}-threshold`}
            type="text"
            inputMode="decimal"
            value={form.threshold}
            onChange={(e) => set('threshold', e.target.value)}
            aria-invalid={errors.threshold ? true : undefined}
            aria-describedby={`${id}-threshold-hint`}
            data-testid="alert-threshold"
          />
          <span
            id={`${id}-threshold-hint`}
            className={errors.threshold ? 'field-error' : 'muted small'}
            data-testid="alert-threshold-hint"
          >
            {errors.threshold ?? thresholdHint(form.metric, form.condition)}
          </span>
        </div>
        <SelectField
          label="Channel"
          value={form.channel}
          options={options(values.data?.channels, 'All channels')}
          onChange={(v) => set('channel', v)}
          error={errors.channel}
          testId="alert-channel"
        />
        <SelectField
          label="Region"
          value={form.region}
          options={options(values.data?.regions, 'All regions')}
          onChange={(v) => set('region', v)}
          error={errors.region}
          testId="alert-region"
        />
        <div className="field wide">
          <label htmlFor={`${id}-webhooks`}>Webhooks (optional, one URL a line)</label>
          <textarea
            id={`${id}-webhooks`}
            rows={2}
            value={form.webhooks}
            onChange={(e) => set('webhooks', e.target.value)}
            aria-invalid={errors.webhook ? true : undefined}
            placeholder="https://hooks.slack.com/services/…"
            data-testid="alert-webhooks"
          />
          {errors.webhook ? (
            <span className="field-error" data-testid="alert-webhook-error">
              {errors.webhook}
            </span>
          ) : (
            <span className="muted small">
              Slack-compatible JSON, signed (X-Retain-Signature). Everyone sees it here too.
            </span>
          )}
        </div>
        <div className="alert-preview wide" aria-live="polite" data-testid="alert-preview">
          {now ? (
            <p className={now.breached ? 'preview-fires' : 'preview-quiet'}>
              <strong>Now:</strong> {now.message}.{' '}
              {now.value === null ? '' : now.breached ? 'It would fire now.' : 'It would not fire now.'}
            </p>
          ) : preview.isFetching ? (
            <p className="muted">Reading the figure…</p>
          ) : (
            <p className="muted">
              Fill in the figure and threshold to see its value now and whether it would fire.
            </p>
          )}
        </div>
        <div className="wide row">
          <button type="submit" className="primary" disabled={add.isPending} data-testid="alert-save">
            {add.isPending ? 'Saving…' : 'Save alert'}
          </button>
          <span role="status" className="muted" data-testid="alert-saved">
            {saved ?? ''}
          </span>
          {refusal && !refusal.field ? (
            <span role="alert" className="form-error">
              {refusal.text}
            </span>
          ) : null}
        </div>
      </form>
    </section>
  );
}

function Rules() {
  const trpc = useTRPC();
  const rules = useQuery(trpc.alerts.rules.queryOptions());
  return (
    <section className="card" aria-labelledby="rules-title">
      <h2 id="rules-title">Rules</h2>
      <QueryView query={rules} label="the alert rules" height={120}>
        {(list) =>
          list.length === 0 ? (
            <p className="muted" data-testid="no-rules">
              No alert rules yet.
            </p>
          ) : (
            <RecordTable
              label="Alert rules"
              columns={RULE_COLUMNS}
              rows={list}
              rowKey={(r) => r.ruleId}
              rowAttributes={(r) => ({ 'data-rule': r.ruleId })}
              className="alerts-table"
              testId="rules-table"
            />
          )
        }
      </QueryView>
    </section>
  );
}

const RULE_COLUMNS: RecordColumn<AlertRule>[] = [
  { key: 'name', label: 'Name', rowHeader: true, cell: (r) => r.name },
  { key: 'condition', label: 'Condition', cell: describeRule },
  { key: 'customers', label: 'Customers', cell: describeScope },
  {
    key: 'webhooks',
    label: 'Webhooks',
    className: 'break',
    cell: (r) =>
      r.webhooks.length === 0 ? 'this page only' : r.webhooks.map((w) => new URL(w).host).join(', '),
  },
  {
    key: 'state',
    label: 'State',
    cell: (r) => (r.firing ? <strong className="alert-event fired">Firing</strong> : 'OK'),
  },
  {
    key: 'actions',
    label: 'Actions',
    labelHidden: true,
    className: 'actions',
    cell: (r) => <RemoveRule rule={r} />,
  },
];

function RemoveRule({ rule }: { rule: AlertRule }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const remove = useMutation(trpc.alerts.remove.mutationOptions());
  return (
    <button
      type="button"
      className="small"
      disabled={remove.isPending}
      onClick={() =>
        remove.mutate(
          { ruleId: rule.ruleId },
          { onSuccess: () => void queryClient.invalidateQueries(trpc.alerts.rules.queryFilter()) },
        )
      }
    >
      Remove<span className="visually-hidden"> {rule.name}</span>
    </button>
  );
}

type AlertEvent = RouterOutputs['alerts']['history'][number];

const HISTORY_COLUMNS: RecordColumn<AlertEvent>[] = [
  { key: 'when', label: 'When (UTC)', cell: (e) => formatDayTime(e.occurredAt) },
  {
    key: 'alert',
    label: 'Alert',
    rowHeader: true,
    cell: (e) => (
      <>
        {e.name} <span className={`alert-event ${e.kind}`}>{e.kind === 'fired' ? 'fired' : 'recovered'}</span>
      </>
    ),
  },
  { key: 'what', label: 'What', cell: (e) => e.message },
  {
    key: 'webhooks',
    label: 'Webhooks',
    cell: (e) => (e.deliveries === 0 ? '—' : `${e.delivered} of ${e.deliveries} delivered`),
  },
];

function History() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const history = useQuery(trpc.alerts.history.queryOptions({}));
  const markRead = useMutation(trpc.alerts.markRead.mutationOptions());
  const newest = history.data?.[0]?.eventId;
  // Seeing the history is reading it: the count beside Alerts in the navigation goes.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per newest event
  useEffect(() => {
    if (newest === undefined) return;
    markRead.mutate(undefined, {
      onSuccess: () => void queryClient.invalidateQueries(trpc.alerts.unread.queryFilter()),
    });
  }, [newest]);
  return (
    <section className="card" aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <QueryView query={history} label="the alert history" height={120}>
        {(events) =>
          events.length === 0 ? (
            <p className="muted" data-testid="no-history">
              Nothing has fired yet.
            </p>
          ) : (
            <RecordTable
              label="Alert history"
              caption="What fired and recovered"
              columns={HISTORY_COLUMNS}
              rows={events}
              rowKey={(e) => e.eventId}
              rowAttributes={(e) => ({ 'data-kind': e.kind })}
              testId="history-table"
            />
          )
        }
      </QueryView>
    </section>
  );
}

type FailedDelivery = RouterOutputs['alerts']['failedDeliveries'][number];

function FailedDeliveries() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const failed = useQuery(trpc.alerts.failedDeliveries.queryOptions());
  const resend = useMutation(trpc.alerts.resend.mutationOptions());
  const columns: RecordColumn<FailedDelivery>[] = [
    { key: 'last', label: 'Last try (UTC)', cell: (d) => formatDayTime(d.lastAttemptAt) },
    { key: 'message', label: 'Message', cell: (d) => d.subject },
    { key: 'url', label: 'URL', className: 'break', cell: (d) => d.url },
    { key: 'tries', label: 'Tries', className: 'num', cell: (d) => d.attempts },
    { key: 'why', label: 'Why', cell: (d) => d.lastError ?? '' },
    {
      key: 'actions',
      label: 'Actions',
      labelHidden: true,
      className: 'actions',
      cell: (d) => (
        <button
          type="button"
          className="small"
          disabled={resend.isPending}
          onClick={() =>
            resend.mutate(
              { deliveryId: d.deliveryId },
              {
                onSettled: () => {
                  void queryClient.invalidateQueries(trpc.alerts.failedDeliveries.queryFilter());
                  void queryClient.invalidateQueries(trpc.alerts.history.queryFilter());
                },
              },
            )
          }
        >
          Resend
        </button>
      ),
    },
  ];
  return (
    <section className="card" aria-labelledby="failed-title">
      <h2 id="failed-title">Failed deliveries</h2>
      <p className="muted">
        Webhooks that still refused after their retries (or were cut off by a stop). Admins only.
      </p>
      <QueryView query={failed} label="the failed deliveries" height={100}>
        {(list) =>
          list.length === 0 ? (
            <p className="muted" data-testid="no-failed">
              None.
            </p>
          ) : (
            <RecordTable
              label="Failed deliveries"
              columns={columns}
              rows={list}
              rowKey={(d) => d.deliveryId}
              className="alerts-table"
              testId="failed-table"
            />
          )
        }
      </QueryView>
    </section>
  );
}

function Settings() {
  const trpc = useTRPC();
  const settings = useQuery(trpc.alerts.settings.queryOptions());
  return (
    <section className="card" aria-labelledby="settings-title">
      <h2 id="settings-title">Delivery settings</h2>
      <QueryView query={settings} label="the alert settings" height={160}>
        {(s) => <SettingsForm settings={s} />}
      </QueryView>
    </section>
  );
}

type SettingsData = {
  webhookHosts: string[];
  environmentHosts: string[];
  checkSchedule: string;
  reportSchedule: string;
  reportFolder: string | null;
  reportWebhook: string | null;
  secretFromEnvironment: boolean;
};

function SettingsForm({ settings }: { settings: SettingsData }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const save = useMutation(trpc.alerts.updateSettings.mutationOptions());
  const rotate = useMutation(trpc.alerts.rotateSecret.mutationOptions());
  const [hosts, setHosts] = useState(settings.webhookHosts.join('\n'));
  const [check, setCheck] = useState(settings.checkSchedule);
  const [report, setReport] = useState(settings.reportSchedule);
  const [folder, setFolder] = useState(settings.reportFolder ?? '');
  const [reportWebhook, setReportWebhook] = useState(settings.reportWebhook ?? '');
  const [saved, setSaved] = useState(false);
  const refusal = save.error ? settingOfError(readableErrorMessage(save.error)) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    save.mutate(
      {
        webhookHosts: hostsFromText(hosts),
        checkSchedule: check,
        reportSchedule: report,
        reportFolder: folder.trim() || null,
        reportWebhook: reportWebhook.trim() || null,
      },
      {
        onSuccess: async () => {
          setSaved(true);
          await queryClient.invalidateQueries(trpc.alerts.settings.queryFilter());
        },
      },
    );
  };
  const error = (field: string) =>
    refusal?.field === field ? (
      <span className="field-error" data-testid={`settings-${field}-error`}>
        {refusal.text}
      </span>
    ) : null;
  return (
    <form className="alert-form" onSubmit={submit} data-testid="alert-settings">
      <div className="field wide">
        <label htmlFor={`${id}-hosts`}>Allowed webhook hosts (host, host:port or *.domain; one a line)</label>
        <textarea
          id={`${id}-hosts`}
          rows={3}
          value={hosts}
          onChange={(e) => setHosts(e.target.value)}
          data-testid="settings-hosts"
        />
        {error('webhookHosts')}
        <span className="muted small">
          {settings.environmentHosts.length > 0
            ? `Also allowed by RETAIN_WEBHOOK_HOSTS: ${settings.environmentHosts.join(', ')}.`
            : 'RETAIN_WEBHOOK_HOSTS allows none.'}{' '}
          A host under a *.domain entry must resolve to a public address; name an internal host exactly to
          allow it.
        </span>
      </div>
      <SettingField
        label="Check schedule (cron, UTC)"
        value={check}
        onChange={setCheck}
        field="checkSchedule"
        refusal={refusal}
      />
      <SettingField
        label="Report schedule (cron, UTC)"
        value={report}
        onChange={setReport}
        field="reportSchedule"
        refusal={refusal}
      />
      <SettingField
        label="Report folder on the server"
        value={folder}
        onChange={setFolder}
        field="reportFolder"
        refusal={refusal}
        placeholder="/srv/reports"
      />
      <SettingField
        label="Report webhook"
        value={reportWebhook}
        onChange={setReportWebhook}
        field="reportWebhook"
        refusal={refusal}
      />
      <div className="wide row">
        <button type="submit" className="primary" disabled={save.isPending} data-testid="settings-save">
          Save settings
        </button>
        <span role="status" className="muted" data-testid="settings-status">
          {saved ? 'Saved.' : ''}
        </span>
        {refusal && !refusal.field ? (
          <span role="alert" className="form-error">
            {refusal.text}
          </span>
        ) : null}
      </div>
      <div className="wide">
        <p className="muted">
          Webhook bodies are signed with HMAC-SHA256 (header X-Retain-Signature: sha256=… over
          “timestamp.body”, X-Retain-Timestamp).{' '}
          {settings.secretFromEnvironment
            ? 'The secret comes from RETAIN_WEBHOOK_SECRET.'
            : 'The secret is kept with these settings; a new one replaces it for every receiver.'}
        </p>
        {settings.secretFromEnvironment ? null : (
          <div className="row">
            <button
              type="button"
              className="small"
              disabled={rotate.isPending}
              onClick={() => rotate.mutate()}
              data-testid="rotate-secret"
            >
              New signing secret
            </button>
            {rotate.data ? (
              <span>
                Give this to your receivers now; it is not shown again:{' '}
                <code data-testid="new-secret">{rotate.data.secret}</code>
              </span>
            ) : null}
          </div>
        )}
      </div>
    </form>
  );
}

/** One text setting, with the server's refusal of it underneath. */
function SettingField({
  label,
  value,
  onChange,
  field,
  refusal,
  placeholder,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  field: string;
  refusal: { field: string | null; text: string } | null;
  placeholder?: string;
}) {
  const id = useId();
  const error = refusal?.field === field ? refusal.text : null;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={placeholder}
        aria-invalid={error ? true : undefined}
        data-testid={`settings-${field}`}
      />
      {error ? (
        <span className="field-error" data-testid={`settings-${field}-error`}>
          {error}
        </span>
      ) : null}
    </div>
  );
}
