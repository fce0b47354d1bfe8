import { z } from 'zod';
import {
  HORIZON_DAYS,
  PARAMETER_ERROR_CODES,
  PARAMETER_FIELDS,
  type ParameterProblem,
  TRAINING_SEED,
  WITHIN_DAYS,
} from './parameters.ts';

/** A calendar day, YYYY-MM-DD (UTC): as-of dates and date filters. */
export const isoDaySchema = z.iso.date({ message: 'dates are YYYY-MM-DD' });

export const horizonDaysSchema = z.number().int().min(HORIZON_DAYS.min).max(HORIZON_DAYS.max);
export const trainingSeedSchema = z.number().int().min(TRAINING_SEED.min).max(TRAINING_SEED.max);
export const withinDaysSchema = z.number().int().min(WITHIN_DAYS.min).max(WITHIN_DAYS.max);

export const parameterProblemSchema = z.object({
  code: z.enum(PARAMETER_ERROR_CODES),
  field: z.enum(PARAMETER_FIELDS),
  value: z.union([z.string(), z.number()]).nullable(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  explanation: z.string().nullable(),
}) satisfies z.ZodType<ParameterProblem>;
