/*
 * Parameters that several places take, each defined once: its default and its limits (their zod
 * schemas are in parameterSchemas.ts). Front ends take their defaults and limits from here (a
 * flag's default, a control's range) and packages validate with the same schema, so that a value
 * means the same everywhere. Plain constants: the dashboard imports them without bundling zod.
 */

/** The churn horizon: a customer has churned with no order in this many days after a snapshot. */
export const HORIZON_DAYS = { default: 90, min: 7, max: 730 } as const;

/** The random seed of a training (sampling, initialisation, shuffling). */
export const TRAINING_SEED = { default: 42, min: 0, max: 2 ** 31 - 1 } as const;

/** "Within N days" of a first order, for repeat rates and cohort drill-downs. */
export const WITHIN_DAYS = { min: 1, max: 3650 } as const;

/** The parameters a package error can be about, by their field names in the API's inputs. */
export const PARAMETER_FIELDS = ['asOf', 'horizonDays', 'seed', 'modelId'] as const;
export type ParameterField = (typeof PARAMETER_FIELDS)[number];

/**
 * What is wrong with a parameter: `invalid` (not a value of its kind), `outOfRange` (params: min,
 * max), `afterDataEnd` / `beforeDataStart` (params: dataEnd / dataStart), `tooLittleHistory`
 * (params: dataStart, asOf, needsFrom: the first day the data would have to reach back to),
 * `notFound` (nothing has that name or id).
 */
export const PARAMETER_ERROR_CODES = [
  'invalid',
  'outOfRange',
  'afterDataEnd',
  'beforeDataStart',
  'tooLittleHistory',
  'notFound',
] as const;
export type ParameterErrorCode = (typeof PARAMETER_ERROR_CODES)[number];

/**
 * A refused parameter as packages report it and the API hands it on: a code, the field and the
 * value given, and what the wording needs. `explanation` is a sentence that names neither a flag
 * nor a control (why it matters, what else to try), so that each front end can word the error
 * with its own names for the field: a flag in the CLI, a label on the dashboard.
 */
export interface ParameterProblem {
  code: ParameterErrorCode;
  field: ParameterField;
  value: string | number | null;
  params: Record<string, string | number>;
  explanation: string | null;
}

/**
 * The problem in words, naming the field as the front end calls it: `name` is a flag in the CLI
 * ("--horizon"), a label on the dashboard ("the horizon").
 */
export function describeParameterProblem(problem: ParameterProblem, name: string): string {
  const { code, value, params, explanation } = problem;
  const tail = explanation ? `: ${explanation}` : '.';
  let text: string;
  switch (code) {
    case 'invalid':
      text = `${name}: ${explanation ?? `"${value}" is not a valid value`}`;
      break;
    case 'outOfRange':
      text = `${name} must be a whole number from ${params.min} to ${params.max}`;
      break;
    case 'afterDataEnd':
      text = `${name} ${value} is after the end of the data (${params.dataEnd})${tail}`;
      break;
    case 'beforeDataStart':
      text = `${name} ${value} is before the first order (${params.dataStart})${tail}`;
      break;
    case 'tooLittleHistory':
      text =
        `Too little history to train: the orders start on ${params.dataStart}, and a ${value}-day horizon ` +
        `needs orders from before ${params.needsFrom} for the as-of date ${params.asOf}. Use a shorter ${name}` +
        (explanation ? ` or ${explanation}.` : '.');
      break;
    case 'notFound':
      text = `${name} ${value} is not a ready model version${tail}`;
      break;
  }
  return text.charAt(0).toUpperCase() === text.charAt(0)
    ? text
    : text.charAt(0).toUpperCase() + text.slice(1);
}
