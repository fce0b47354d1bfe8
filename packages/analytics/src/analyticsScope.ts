import {
  type AnalyticsFilters,
  COMPLAINT_EXPERIENCES,
  type CohortAttribute,
  type Period,
} from '@retain/schemas';
import { type Dialect, type SqlParam, sql, sqlString } from '@retain/warehouse';
import type { RollupState } from './analyticsRollup.ts';
import { dayIndex, isoDay } from './periods.ts';
import { spelled } from './sqlQuery.ts';

/*
 * The one place that turns filters and groupings into SQL over the rollup tables. Every fact table
 * (analytics_orders, _returns, _complaints, _customers) carries the customer's first-order facts,
 * so the same conditions apply to each through a table alias.
 *
 * Filters, as an analyst reads them (README.md, "Retention analytics"):
 * - `from`/`to` select customers whose FIRST order falls in the range (a cohort is never cut in
 *   half), and `to` also ends the observation: nothing dated after it counts;
 * - channel, region and category match the customer's first order: "customers acquired on the
 *   web", whose later orders count whatever their channel;
 * - `complained` keeps customers with (true) or without (false) a complaint opened by the end.
 */

/** How customers are grouped: cohorts by period or attribute, or the internal splits of the impact view. */
export type Grouping =
  | 'period'
  | CohortAttribute
  | 'all'
  | 'complained'
  | 'complaintExperience'
  | 'hadReturn';

export const PERIOD_COLUMN: Record<Period, 'd' | 'w' | 'm' | 'q'> = {
  day: 'd',
  week: 'w',
  month: 'm',
  quarter: 'q',
};

/** Days after the first order within which a complaint counts as early. */
export const EARLY_COMPLAINT_DAYS = 90;

export interface AnalyticsScope {
  /** Last day observed (day index): the latest order day, or `to` if earlier. Null without orders. */
  endDay: number | null;
  /** Common table expressions the joins need ("name AS (…)"), to go first in a WITH. */
  ctes: string[];
  joins(alias: string): string;
  /** Conditions on the customer, ANDed; never empty. */
  where(alias: string): string;
  /** The group label of a row's customer. */
  group(alias: string): string;
  params: Record<string, SqlParam>;
  /** The rollup's engine's spelling, for what engines write differently (date arithmetic, arg-min). */
  dialect: Dialect;
}

export function analyticsScope(
  state: RollupState,
  filters: AnalyticsFilters,
  grouping: Grouping,
): AnalyticsScope {
  const to = filters.to === undefined ? null : dayIndex(filters.to);
  const endDay = state.lastDay === null ? null : to === null ? state.lastDay : Math.min(to, state.lastDay);
  const params: Record<string, SqlParam> = { end: endDay === null ? null : isoDay(endDay) };
  // Placeholders are named once; each alias gets the same conditions over its own columns.
  const attributeFilters: Array<[string, string[]]> = [];
  if (filters.from !== undefined) params.from = filters.from;
  for (const [name, values] of [
    ['channel', filters.channel],
    ['region', filters.region],
    ['category', filters.category],
  ] as const) {
    if (!values) continue;
    const placeholders = values.map((value, i) => {
      params[`${name}_${i}`] = value;
      return `$${name}_${i}`;
    });
    attributeFilters.push([name, placeholders]);
  }
  const conditions = (a: string): string[] => {
    const list = [`${a}.first_day <= CAST($end AS DATE)`];
    if (filters.from !== undefined) list.push(`${a}.first_day >= CAST($from AS DATE)`);
    for (const [name, placeholders] of attributeFilters) {
      list.push(`${a}.f_${name} IN (${placeholders.join(', ')})`);
    }
    if (filters.complained !== undefined) list.push(`cx.cust IS ${filters.complained ? 'NOT ' : ''}NULL`);
    return list;
  };

  const needsComplaints =
    filters.complained !== undefined ||
    grouping === 'complainedEarly' ||
    grouping === 'complained' ||
    grouping === 'complaintExperience';
  const ctes: string[] = [];
  const d = state.dialect;
  if (needsComplaints) {
    const earlyEnd = spelled(d.addDays(sql.raw('first_day'), sql.raw(String(EARLY_COMPLAINT_DAYS))));
    // A customer's complaint experience is their worst one: unresolved by the end, then resolved
    // after more than 7 days, then after more than 2.
    ctes.push(`cx AS (
      SELECT cust,
             bool_or(opened_day BETWEEN first_day AND ${earlyEnd}) AS early,
             max(CASE WHEN resolved_at IS NULL OR resolved_day > CAST($end AS DATE) THEN 4
                      WHEN resolution_days > 7 THEN 3
                      WHEN resolution_days > 2 THEN 2
                      ELSE 1 END) AS worst
      FROM analytics_complaints
      WHERE opened_day <= CAST($end AS DATE)
      GROUP BY cust)`);
  }
  if (grouping === 'hadReturn') {
    ctes.push('rx AS (SELECT DISTINCT cust FROM analytics_returns WHERE day <= CAST($end AS DATE))');
  }

  return {
    endDay,
    ctes,
    joins: (a) =>
      [
        needsComplaints ? `LEFT JOIN cx ON cx.cust = ${a}.cust` : '',
        grouping === 'hadReturn' ? `LEFT JOIN rx ON rx.cust = ${a}.cust` : '',
      ].join(' '),
    where: (a) => conditions(a).join(' AND '),
    group: (a) => groupExpression(grouping, a),
    params,
    dialect: d,
  };
}

function groupExpression(grouping: Grouping, a: string): string {
  switch (grouping) {
    case 'period':
      return "''";
    case 'all':
      return "'all'";
    case 'channel':
    case 'region':
    case 'category':
      return `coalesce(${a}.f_${grouping}, ${sqlString(UNKNOWN_GROUP)})`;
    case 'complainedEarly':
      return "CASE WHEN cx.early THEN 'yes' ELSE 'no' END";
    case 'complained':
      return "CASE WHEN cx.cust IS NULL THEN 'others' ELSE 'complainers' END";
    case 'complaintExperience':
      return `CASE coalesce(cx.worst, 0) ${COMPLAINT_EXPERIENCES.map((label, i) => `WHEN ${i} THEN ${sqlString(label)}`).join(' ')} END`;
    case 'hadReturn':
      return "CASE WHEN rx.cust IS NULL THEN 'no return' ELSE 'returned' END";
  }
}

/** The group of customers whose first order has no channel, region or category. */
export const UNKNOWN_GROUP = '(unknown)';

/** "WITH a AS (…), b AS (…)" or nothing. */
export function withClause(ctes: string[]): string {
  return ctes.length === 0 ? '' : `WITH ${ctes.join(',\n')}\n`;
}
