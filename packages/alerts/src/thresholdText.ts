import { type AlertCondition, type AlertMetric, type ChangeUnit, readThreshold } from '@retain/schemas';
import { AlertInputError } from './errors.ts';

/** A threshold as typed on the command line (see readThreshold), refused naming `field`. */
export function parseThresholdText(
  metric: AlertMetric,
  condition: AlertCondition,
  raw: string,
  field: string,
): { threshold: number; changeUnit: ChangeUnit | null } {
  const read = readThreshold(metric, condition, raw);
  if ('error' in read) throw new AlertInputError(field, `${field}: ${read.error}`);
  return read;
}
