import {
  ALERT_METRIC_INFO,
  ALERT_METRICS,
  type AlertCondition,
  type AlertMetric,
  type AlertRuleInput,
  readThreshold,
} from '@retain/schemas';
import { formatDecimal, formatInteger, formatMoney, formatPercent } from '../format.ts';

/*
 * The Alerts page's form and the words for rules and their figures, kept out of the components so
 * that they can be tested alone.
 */

export const METRIC_OPTIONS = ALERT_METRICS.map((m) => ({ value: m, label: ALERT_METRIC_INFO[m].label }));

export const CONDITION_OPTIONS: ReadonlyArray<{ value: AlertCondition; label: string }> = [
  { value: 'above', label: 'is above' },
  { value: 'below', label: 'is below' },
  { value: 'changeAbove', label: 'changes by more than' },
];

export interface AlertForm {
  name: string;
  metric: AlertMetric;
  condition: AlertCondition;
  threshold: string;
  channel: string;
  region: string;
  /** One URL a line. */
  webhooks: string;
}

export const EMPTY_FORM: AlertForm = {
  name: '',
  metric: 'churnRate',
  condition: 'above',
  threshold: '',
  channel: '',
  region: '',
  webhooks: '',
};

export type FormErrors = Partial<
  Record<'name' | 'threshold' | 'webhook' | 'channel' | 'region' | 'metric', string>
>;

/** The rule a filled form asks for, or what to fix first, field by field. */
export function ruleFromForm(form: AlertForm): { rule: AlertRuleInput } | { errors: FormErrors } {
  const errors: FormErrors = {};
  if (form.name.trim() === '') errors.name = 'Give the alert a name.';
  const read = readThreshold(form.metric, form.condition, form.threshold);
  if ('error' in read)
    errors.threshold = form.threshold.trim() === '' ? 'Enter a value.' : `Threshold ${read.error}.`;
  if (Object.keys(errors).length > 0 || 'error' in read) return { errors };
  return {
    rule: {
      name: form.name.trim(),
      metric: form.metric,
      condition: form.condition,
      threshold: read.threshold,
      changeUnit: read.changeUnit,
      channel: form.channel || null,
      region: form.region || null,
      webhooks: form.webhooks
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== ''),
    },
  };
}

/** What to type, for the threshold field's hint. */
export function thresholdHint(metric: AlertMetric, condition: AlertCondition): string {
  const share = ALERT_METRIC_INFO[metric].kind === 'share';
  if (condition === 'changeAbove')
    return share
      ? 'Points (2 = 2 percentage points) or a percentage of the previous value (10%).'
      : 'An amount (100) or a percentage of the previous value (10%).';
  return share ? 'A percentage (30%) or a fraction (0.3).' : 'A number in the figure’s unit.';
}

/** A server refusal ("webhook: … is not an allowed webhook host") as the form field it is about. */
export function fieldOfError(message: string): { field: keyof FormErrors | null; text: string } {
  const match = /^(name|metric|threshold|webhook|channel|region|condition|changeUnit): (.*)$/s.exec(message);
  if (!match) return { field: null, text: message };
  const field = match[1] === 'condition' || match[1] === 'changeUnit' ? 'threshold' : match[1];
  return { field: field as keyof FormErrors, text: match[2] ?? message };
}

/** A figure of a metric, as the dashboard writes it. */
export function formatFigure(metric: AlertMetric, value: number | null): string {
  if (value === null) return '—';
  switch (ALERT_METRIC_INFO[metric].kind) {
    case 'share':
      return formatPercent(value);
    case 'money':
      return formatMoney(value);
    case 'days':
      return `${formatDecimal(value)} d`;
    default:
      return formatInteger(value);
  }
}

type RuleLike = Pick<AlertRuleInput, 'metric' | 'condition' | 'threshold' | 'channel' | 'region'> & {
  changeUnit?: 'points' | 'percent' | null | undefined;
};

/** "Churn rate (active customers) is above 30.0%", "… changes by more than 2 pt". */
export function describeRule(rule: RuleLike): string {
  const { label, kind } = ALERT_METRIC_INFO[rule.metric];
  if (rule.condition === 'changeAbove') {
    const size =
      rule.changeUnit === 'percent'
        ? `${formatDecimal(rule.threshold)}%`
        : kind === 'share'
          ? `${formatDecimal(rule.threshold)} pt`
          : formatFigure(rule.metric, rule.threshold);
    return `${label} changes by more than ${size}`;
  }
  return `${label} is ${rule.condition} ${formatFigure(rule.metric, rule.threshold)}`;
}

/** "channel web, region North", or "everyone". */
export function describeScope(rule: { channel?: string | null; region?: string | null }): string {
  const parts = [
    rule.channel ? `channel ${rule.channel}` : null,
    rule.region ? `region ${rule.region}` : null,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'all customers';
}

/** One host a line, empty lines dropped. */
export function hostsFromText(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((h) => h.trim())
    .filter((h) => h !== '');
}

const SETTINGS = ['webhookHosts', 'checkSchedule', 'reportSchedule', 'reportFolder', 'reportWebhook'];

/** A refusal of the delivery settings ("checkSchedule: … is not a cron expression") as its field. */
export function settingOfError(message: string): { field: string | null; text: string } {
  const match = /^(\w+): (.*)$/s.exec(message);
  const field = match?.[1];
  return field && SETTINGS.includes(field)
    ? { field, text: match?.[2] ?? message }
    : { field: null, text: message };
}
