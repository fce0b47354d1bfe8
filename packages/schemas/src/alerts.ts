import { z } from 'zod';
import type { KpiName } from './analytics.ts';
import { KPI_LABELS } from './figureNames.ts';

/*
 * Alert rules, their checks and the executive report, shared by the api, the dashboard and the
 * CLI. A rule watches one figure: an overview KPI by its `retain kpis --json` key, or month-1
 * retention of the latest complete monthly cohort (`cohortMonth1`). Definitions: README.md,
 * "Alerts and reports".
 */

export const KPI_ALERT_METRICS = [
  'churnRate',
  'repeatRate90d',
  'activeCustomers',
  'newCustomers',
  'revenue',
  'netRevenueRetention12m',
  'complaintRate',
  'returnRate',
  'medianResolutionDays',
  'atRiskRevenue',
] as const satisfies readonly KpiName[];

export const ALERT_METRICS = [...KPI_ALERT_METRICS, 'cohortMonth1'] as const;
export type AlertMetric = (typeof ALERT_METRICS)[number];
export const alertMetricSchema = z.enum(ALERT_METRICS, {
  error: () => `metric must be one of ${ALERT_METRICS.join(', ')}`,
});

/** How a figure is written: shares as percentages, changes of shares in percentage points. */
export type AlertMetricKind = 'share' | 'count' | 'money' | 'days';

export const COHORT_MONTH1_LABEL = 'Month-1 retention (latest complete cohort)';

export const ALERT_METRIC_INFO: Record<AlertMetric, { label: string; kind: AlertMetricKind }> = {
  churnRate: { label: KPI_LABELS.churnRate, kind: 'share' },
  repeatRate90d: { label: KPI_LABELS.repeatRate90d, kind: 'share' },
  activeCustomers: { label: KPI_LABELS.activeCustomers, kind: 'count' },
  newCustomers: { label: KPI_LABELS.newCustomers, kind: 'count' },
  revenue: { label: KPI_LABELS.revenue, kind: 'money' },
  netRevenueRetention12m: { label: KPI_LABELS.netRevenueRetention12m, kind: 'share' },
  complaintRate: { label: KPI_LABELS.complaintRate, kind: 'share' },
  returnRate: { label: KPI_LABELS.returnRate, kind: 'share' },
  medianResolutionDays: { label: KPI_LABELS.medianResolutionDays, kind: 'days' },
  atRiskRevenue: { label: KPI_LABELS.atRiskRevenue, kind: 'money' },
  cohortMonth1: { label: COHORT_MONTH1_LABEL, kind: 'share' },
};

/**
 * above / below: the figure against a value in the figure's own unit (a share as a fraction, 0.3).
 * changeAbove: the change against the previous period, either way, larger than the threshold: in
 * points (percentage points for shares, the figure's unit otherwise) or in percent of the previous
 * value.
 */
export const ALERT_CONDITIONS = ['above', 'below', 'changeAbove'] as const;
export type AlertCondition = (typeof ALERT_CONDITIONS)[number];
export const CHANGE_UNITS = ['points', 'percent'] as const;
export type ChangeUnit = (typeof CHANGE_UNITS)[number];

const finite = (field: string) =>
  z.number({ error: () => `${field} must be a number` }).refine(Number.isFinite, `${field} must be a number`);

const optionalText = (field: string) =>
  z
    .string()
    .trim()
    .max(200, `${field} is at most 200 characters`)
    .transform((v) => (v === '' ? null : v))
    .nullable()
    .optional()
    .transform((v) => v ?? null);

export const alertRuleInputSchema = z
  .object({
    name: z.string().trim().min(1, 'name is required').max(120, 'name is at most 120 characters'),
    metric: alertMetricSchema,
    condition: z.enum(ALERT_CONDITIONS, { error: () => 'condition must be above, below or changeAbove' }),
    threshold: finite('threshold'),
    /** changeAbove only; points by default. */
    changeUnit: z.enum(CHANGE_UNITS).nullable().optional(),
    channel: optionalText('channel'),
    region: optionalText('region'),
    /** http(s) URLs on an allowed host; each gets the alert (the in-app list always does). */
    webhooks: z.array(z.string().trim().min(1)).max(10, 'at most 10 webhooks').default([]),
  })
  .strict()
  .refine((r) => r.condition !== 'changeAbove' || r.threshold >= 0, {
    message: 'threshold of a change must not be negative',
    path: ['threshold'],
  });
export type AlertRuleInput = z.input<typeof alertRuleInputSchema>;
export type AlertRuleSpec = z.output<typeof alertRuleInputSchema>;

export const alertRuleSchema = z.object({
  ruleId: z.string(),
  name: z.string(),
  metric: alertMetricSchema,
  condition: z.enum(ALERT_CONDITIONS),
  threshold: z.number(),
  changeUnit: z.enum(CHANGE_UNITS).nullable(),
  channel: z.string().nullable(),
  region: z.string().nullable(),
  webhooks: z.array(z.string()),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  /** Whether the rule's last check found it breached (a recovery is sent when it clears). */
  firing: z.boolean(),
});
export type AlertRule = z.infer<typeof alertRuleSchema>;

/** A figure as a rule reads it, and whether the rule's condition holds on it. */
export const alertEvaluationSchema = z.object({
  /** The figure, or for changeAbove the change (in the rule's unit); null where not computable. */
  value: z.number().nullable(),
  /** The figure itself (for changeAbove also its previous value). */
  current: z.number().nullable(),
  previous: z.number().nullable(),
  breached: z.boolean(),
  /** What the figure is as of: the KPIs' as-of day, or the cohort's month. */
  period: z.string().nullable(),
  /** One line: "Churn rate (active customers) is 31.2%, above 30.0% (as of 2026-06-30, channel web)". */
  message: z.string(),
});
export type AlertEvaluation = z.infer<typeof alertEvaluationSchema>;

export const alertCheckEntrySchema = z.object({
  ruleId: z.string(),
  name: z.string(),
  metric: alertMetricSchema,
  period: z.string(),
  value: z.number(),
  threshold: z.number(),
  message: z.string(),
  /** Every webhook of the rule accepted it (true without webhooks: the in-app list has it). */
  delivered: z.boolean(),
});
export type AlertCheckEntry = z.infer<typeof alertCheckEntrySchema>;

export const alertCheckSchema = z.object({
  /** Rules checked. */
  checked: z.number().int(),
  fired: z.array(alertCheckEntrySchema),
  recovered: z.array(alertCheckEntrySchema),
  dataVersion: z.number().int(),
  /** Why the check ran: a command, the schedule, a load. */
  trigger: z.string(),
});
export type AlertCheck = z.infer<typeof alertCheckSchema>;

export const alertEventSchema = z.object({
  eventId: z.number().int(),
  ruleId: z.string(),
  name: z.string(),
  metric: alertMetricSchema,
  kind: z.enum(['fired', 'recovered']),
  period: z.string(),
  value: z.number(),
  threshold: z.number(),
  message: z.string(),
  occurredAt: z.string(),
  dataVersion: z.number().int(),
  /** Webhook deliveries: how many there were and how many got through. */
  deliveries: z.number().int(),
  delivered: z.number().int(),
});
export type AlertEvent = z.infer<typeof alertEventSchema>;

export const DELIVERY_STATUSES = ['pending', 'sending', 'delivered', 'failed'] as const;
export const alertDeliverySchema = z.object({
  deliveryId: z.number().int(),
  eventId: z.number().int().nullable(),
  /** What was sent: an alert, its recovery, or a report. */
  subject: z.string(),
  url: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  createdAt: z.string(),
});
export type AlertDelivery = z.infer<typeof alertDeliverySchema>;

/** A cron expression of five fields (minute hour day-of-month month day-of-week). */
export const cronSchema = z.string().trim().min(1, 'a cron expression is required').max(100);

export const alertSettingsSchema = z.object({
  /** Hosts (host or host:port, or *.domain) webhooks may target, as set on the settings page. */
  webhookHosts: z.array(z.string()),
  /** Hosts from RETAIN_WEBHOOK_HOSTS: always allowed, changed only in the environment. */
  environmentHosts: z.array(z.string()),
  /** When the rules are checked besides after each load. */
  checkSchedule: cronSchema,
  /** When the executive report is made. */
  reportSchedule: cronSchema,
  /** Folder the scheduled report is written to (null: not written to a folder). */
  reportFolder: z.string().nullable(),
  /** Webhook the scheduled report is posted to (null: none). */
  reportWebhook: z.string().nullable(),
  /** Whether the signing secret comes from RETAIN_WEBHOOK_SECRET (else from these settings). */
  secretFromEnvironment: z.boolean(),
});
export type AlertSettings = z.infer<typeof alertSettingsSchema>;

export const alertSettingsInputSchema = z
  .object({
    webhookHosts: z.array(z.string().trim().min(1)).max(100).optional(),
    checkSchedule: cronSchema.optional(),
    reportSchedule: cronSchema.optional(),
    reportFolder: z.string().trim().max(500).nullable().optional(),
    reportWebhook: z.string().trim().max(2000).nullable().optional(),
  })
  .strict();
export type AlertSettingsInput = z.input<typeof alertSettingsInputSchema>;

export const DEFAULT_CHECK_SCHEDULE = '0 * * * *';
export const DEFAULT_REPORT_SCHEDULE = '0 8 * * 1';

/**
 * A threshold as a person types it. For above / below: a number in the figure's unit (a share as
 * 0.3) or, for a share, a percentage ("30%"). For a change: a number of points (percentage points
 * for a share: "2" is 2 pp; the figure's unit otherwise) or a percentage of the previous value
 * ("10%"). An error says what is wrong, without the field's name (each front end adds its own).
 */
export function readThreshold(
  metric: AlertMetric,
  condition: AlertCondition,
  raw: string,
): { threshold: number; changeUnit: ChangeUnit | null } | { error: string } {
  const text = raw.trim();
  const percent = text.endsWith('%');
  const number = Number(percent ? text.slice(0, -1).trim() : text);
  if (text === '' || text === '%' || !Number.isFinite(number)) return { error: `"${raw}" is not a number` };
  if (condition === 'changeAbove') {
    if (number < 0) return { error: `a change is a size, not negative ("${raw}")` };
    return { threshold: number, changeUnit: percent ? 'percent' : 'points' };
  }
  if (percent && ALERT_METRIC_INFO[metric].kind !== 'share')
    return { error: `"${raw}": a percentage applies to shares only; ${metric} is not one` };
  return { threshold: percent ? number / 100 : number, changeUnit: null };
}
