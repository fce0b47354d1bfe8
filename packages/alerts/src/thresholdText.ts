import { ALERT_METRIC_INFO, type AlertCondition, type AlertMetric, type ChangeUnit } from '@retain/schemas';
import { AlertInputError } from './errors.ts';

/**
 * A threshold as typed on the command line. For above / below, a number in the figure's unit (a
 * share as 0.3), or for a share a percentage ("30%"). For a change, a number of points
 * (percentage points for a share: "2" is 2 pp) or a percentage of the previous value ("10%").
 */
export function parseThresholdText(
  metric: AlertMetric,
  condition: AlertCondition,
  raw: string,
  field: string,
): { threshold: number; changeUnit: ChangeUnit | null } {
  const text = raw.trim();
  const percent = text.endsWith('%');
  const number = Number(percent ? text.slice(0, -1).trim() : text);
  if (text === '' || text === '%' || !Number.isFinite(number))
    throw new AlertInputError(field, `${field}: "${raw}" is not a number`);
  if (condition === 'changeAbove') {
    if (number < 0) throw new AlertInputError(field, `${field}: a change is a size, not negative ("${raw}")`);
    return { threshold: number, changeUnit: percent ? 'percent' : 'points' };
  }
  if (percent && ALERT_METRIC_INFO[metric].kind !== 'share')
    throw new AlertInputError(
      field,
      `${field}: "${raw}": a percentage applies to shares only; ${metric} is not one`,
    );
  return { threshold: percent ? number / 100 : number, changeUnit: null };
}
