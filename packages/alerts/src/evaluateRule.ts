import { ALERT_METRIC_INFO, type AlertEvaluation, type AlertRule, type AlertRuleSpec } from '@retain/schemas';
import type { FigureText } from './figureText.ts';

/** A figure as of its period, with the value of the period before. */
export interface Figure {
  current: number | null;
  previous: number | null;
  /** What the figure is as of: the KPIs' as-of day, or the cohort's month. */
  period: string | null;
  /** What `previous` is: "since 2020-12-15", "against the mean of cohorts 2020-06 to 2020-11". */
  comparison: string | null;
}

type RuleLike = Pick<
  AlertRuleSpec,
  'metric' | 'condition' | 'threshold' | 'changeUnit' | 'channel' | 'region'
>;

/**
 * Whether a rule's condition holds on a figure. above / below compare the figure with the threshold
 * in the figure's unit; changeAbove compares the size of the change against the previous period,
 * either way, in points (percentage points for shares) or in percent of the previous value. A
 * figure that cannot be computed (too little history, nothing to divide by) breaches nothing.
 */
export function evaluateRule(rule: RuleLike, figure: Figure, text: FigureText): AlertEvaluation {
  const { kind, label } = ALERT_METRIC_INFO[rule.metric];
  const { current, previous, period } = figure;
  const scope = [
    rule.channel ? `channel ${rule.channel}` : null,
    rule.region ? `region ${rule.region}` : null,
  ]
    .filter(Boolean)
    .join(', ');
  const when =
    period === null ? 'no data' : rule.metric === 'cohortMonth1' ? `cohort ${period}` : `as of ${period}`;
  const context = `(${when}${scope ? `, ${scope}` : ''})`;
  const base = { current, previous, period };
  if (rule.condition !== 'changeAbove') {
    if (current === null || period === null)
      return { ...base, value: null, breached: false, message: `${label} cannot be computed yet ${context}` };
    const breached = rule.condition === 'above' ? current > rule.threshold : current < rule.threshold;
    const relation = breached
      ? `${rule.condition} ${text.value(kind, rule.threshold)}`
      : `within ${rule.condition === 'above' ? 'at most' : 'at least'} ${text.value(kind, rule.threshold)}`;
    return {
      ...base,
      value: current,
      breached,
      message: `${label} is ${text.value(kind, current)}, ${relation} ${context}`,
    };
  }
  const unit = rule.changeUnit ?? 'points';
  const since = figure.comparison ? ` ${figure.comparison}` : '';
  if (current === null || previous === null || period === null)
    return {
      ...base,
      value: null,
      breached: false,
      message: `${label} has no previous period to compare with yet ${context}`,
    };
  const delta = current - previous;
  let value: number | null;
  let written: string;
  let limit: string;
  if (unit === 'percent') {
    value = previous === 0 ? null : (delta / Math.abs(previous)) * 100;
    written =
      value === null ? '–' : `${value > 0 ? '+' : value < 0 ? '−' : ''}${Math.abs(value).toFixed(1)}%`;
    limit = `${rule.threshold}%`;
  } else {
    value = kind === 'share' ? delta * 100 : delta;
    written = text.change(kind, delta);
    limit = kind === 'share' ? `${rule.threshold} pt` : text.value(kind, rule.threshold);
  }
  if (value === null)
    return {
      ...base,
      value: null,
      breached: false,
      message: `${label} was 0${since}: no relative change ${context}`,
    };
  const breached = Math.abs(value) > rule.threshold;
  return {
    ...base,
    value,
    breached,
    message: `${label} moved ${written}${since} to ${text.value(kind, current)}, ${breached ? 'more' : 'no more'} than ${limit} ${context}`,
  };
}

export type { AlertRule };

/** A rule in words: "Churn rate (active customers) above 30.0% (channel web)". */
export function describeAlertRule(rule: RuleLike, text: FigureText): string {
  const { kind, label } = ALERT_METRIC_INFO[rule.metric];
  const condition =
    rule.condition === 'changeAbove'
      ? `changes by more than ${rule.changeUnit === 'percent' ? `${rule.threshold}%` : kind === 'share' ? `${rule.threshold} pt` : text.value(kind, rule.threshold)}`
      : `${rule.condition} ${text.value(kind, rule.threshold)}`;
  const scope = [
    rule.channel ? `channel ${rule.channel}` : null,
    rule.region ? `region ${rule.region}` : null,
  ].filter(Boolean);
  return `${label} ${condition}${scope.length > 0 ? ` (${scope.join(', ')})` : ''}`;
}
