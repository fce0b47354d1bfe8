import {
  describeParameterProblem,
  PARAMETER_ERROR_CODES,
  PARAMETER_FIELDS,
  type ParameterField,
  type ParameterProblem,
} from '@retain/schemas';

/** The dashboard's names for the settings a package error can be about (its labels, in a sentence). */
export const FIELD_LABELS: Record<ParameterField, string> = {
  asOf: 'as of',
  horizonDays: 'churn horizon',
  seed: 'the seed',
  modelId: 'model',
};

/** The refused setting a failed call carries (`data.parameter`), or null. */
export function parameterProblemOf(error: unknown): ParameterProblem | null {
  if (typeof error !== 'object' || error === null || !('data' in error)) return null;
  const data = (error as { data: unknown }).data;
  if (typeof data !== 'object' || data === null || !('parameter' in data)) return null;
  const problem = (data as { parameter: unknown }).parameter;
  return isParameterProblem(problem) ? problem : null;
}

/** A refused setting in the dashboard's words. */
export function parameterErrorText(problem: ParameterProblem): string {
  return describeParameterProblem(problem, FIELD_LABELS[problem.field]);
}

/** Checked by hand rather than with zod, which the dashboard does not bundle. */
function isParameterProblem(value: unknown): value is ParameterProblem {
  if (typeof value !== 'object' || value === null) return false;
  const { code, field, value: given, params, explanation } = value as Record<string, unknown>;
  return (
    (PARAMETER_ERROR_CODES as readonly unknown[]).includes(code) &&
    (PARAMETER_FIELDS as readonly unknown[]).includes(field) &&
    (given === null || typeof given === 'string' || typeof given === 'number') &&
    typeof params === 'object' &&
    params !== null &&
    (explanation === null || typeof explanation === 'string')
  );
}
