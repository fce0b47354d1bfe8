import { type Sql, sql } from '@retain/warehouse';

/** The filters on a customer's churn score that the scores list and the call lists both offer. */
export interface ScoreFilter {
  minProbability?: number | undefined;
  maxProbability?: number | undefined;
  /** Value at risk at least this much. */
  minValue?: number | undefined;
  /** One segment, or several (any of them). */
  segment?: string | readonly string[] | undefined;
}

/** One value or several, as a list without repeats. */
export const listOf = (value: string | readonly string[] | undefined): string[] =>
  value === undefined ? [] : [...new Set(typeof value === 'string' ? [value] : value)];

/** `column IN (…)` with one bound value each: the text varies with their count, never their content. */
export const isAnyOf = (column: Sql, values: readonly string[]): Sql =>
  sql`${column} IN (${sql.join(values.map((value) => sql`${value}`))})`;

/**
 * The conditions the filters ask of a row of scores (its columns under `alias`, e.g. `s`), values
 * bound; a filter left out (or an empty list of segments) adds no condition.
 */
export function scoreConditions(filter: ScoreFilter, alias?: string): Sql[] {
  const column = (name: string) => sql.raw(alias === undefined ? name : `${alias}.${name}`);
  const conditions: Sql[] = [];
  if (filter.minProbability !== undefined)
    conditions.push(sql`${column('churn_probability')} >= ${filter.minProbability}`);
  if (filter.maxProbability !== undefined)
    conditions.push(sql`${column('churn_probability')} <= ${filter.maxProbability}`);
  if (filter.minValue !== undefined) conditions.push(sql`${column('value_at_risk')} >= ${filter.minValue}`);
  const segments = listOf(filter.segment);
  if (segments.length > 0) conditions.push(isAnyOf(column('segment'), segments));
  return conditions;
}
