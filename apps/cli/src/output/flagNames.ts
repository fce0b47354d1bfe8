import { describeParameterProblem, type ParameterProblem } from '@retain/schemas';

/**
 * The command line's names for input fields, for its messages: packages and schemas name a field
 * as the API does (asOf), the CLI as the user typed it (--as-of). Fields not listed are their
 * kebab-case flag (minProbability → --min-probability).
 */
const FLAG_OF: Record<string, string> = {
  asOf: '--as-of',
  withinDays: '--within',
  minCohortSize: '--min-size',
  maxOffset: '--max-offset',
  controlShare: '--control',
  horizonDays: '--horizon',
  listId: '--list',
  modelId: '--model',
};

export function flagOf(field: string): string {
  return FLAG_OF[field] ?? `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** What the CLI adds where a parameter error has a next step on the command line. */
const NEXT_STEP: Partial<Record<`${ParameterProblem['field']}:${ParameterProblem['code']}`, string>> = {
  'modelId:notFound': 'see `retain models`.',
};

/** A package's parameter error in the command line's words: its flag, and the next step if any. */
export function parameterMessage(problem: ParameterProblem): string {
  const next = NEXT_STEP[`${problem.field}:${problem.code}`];
  return describeParameterProblem(next ? { ...problem, explanation: next } : problem, flagOf(problem.field));
}
