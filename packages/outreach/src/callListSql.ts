import {
  type CallListFilters,
  DEFAULT_CALL_EFFECT,
  SLIPPING_PROBABILITY,
  SLIPPING_STANDINGS,
} from '@retain/schemas';
import {
  csvLineSql,
  csvNumberSql,
  csvTextSql,
  type Db,
  type Sql,
  type SqlParam,
  sql,
  sqlString,
} from '@retain/warehouse';
import { z } from 'zod';
import { NoScoresError } from './errors.ts';
import { regionCountrySql, withPhoneE164 } from './phoneNumbers.ts';
import { customerStateCtes, lostSql } from './program/customerStateSql.ts';
import { type UpliftModel, upliftSql } from './program/upliftModel.ts';

/** How the churn scores at hand are shaped: the columns beyond the required ones vary. */
export interface ScoresSource {
  /** `list`: VARCHAR[]; `text`: a JSON list of phrases (JSON or VARCHAR); `none`: no column. */
  reasons: 'list' | 'text' | 'none';
  modelId: boolean;
  asOf: boolean;
}

const REQUIRED = ['customer_id', 'churn_probability', 'value_at_risk', 'segment'];

/**
 * Reads the shape of `latest_scores` (written by `retain score`). Checked on every call: scores
 * appear while the server runs, when the first model has been trained.
 */
export async function readScoresSource(db: Db): Promise<ScoresSource> {
  const columns = new Map(
    (
      await db.query(
        sql`SELECT column_name, data_type FROM information_schema.columns
            WHERE table_catalog = current_database() AND table_schema = 'main' AND table_name = 'latest_scores'`,
        z.object({ column_name: z.string(), data_type: z.string() }),
      )
    ).map((c) => [c.column_name, c.data_type]),
  );
  if (columns.size === 0) throw new NoScoresError();
  const missing = REQUIRED.filter((c) => !columns.has(c));
  if (missing.length > 0) {
    throw new Error(`latest_scores lacks ${missing.join(', ')}; this build of Retain cannot read it.`);
  }
  const any = await db.scalar(sql`SELECT EXISTS (SELECT 1 FROM latest_scores)`, z.boolean());
  if (!any) throw new NoScoresError();
  const reasonsType = columns.get('reasons');
  return {
    reasons: reasonsType === undefined ? 'none' : reasonsType.endsWith('[]') ? 'list' : 'text',
    modelId: columns.has('model_id'),
    asOf: columns.has('as_of'),
  };
}

/** Reasons as VARCHAR[] whatever the scores hold. */
function reasonsList(source: ScoresSource): string {
  switch (source.reasons) {
    case 'list':
      return 'coalesce(s.reasons, [])';
    case 'text':
      return `CASE WHEN json_valid(s.reasons::VARCHAR) AND json_type(s.reasons::VARCHAR) = 'ARRAY'
                THEN coalesce(from_json(s.reasons::VARCHAR, '["VARCHAR"]'), [])
              WHEN s.reasons IS NULL OR trim(s.reasons::VARCHAR) = '' THEN []::VARCHAR[]
              ELSE [s.reasons::VARCHAR] END`;
    case 'none':
      return '[]::VARCHAR[]';
  }
}

/** What a call can save first (value at risk × P(a call changes the outcome)), then as before. */
export const RANKING =
  'expected_saved DESC NULLS LAST, value_at_risk DESC NULLS LAST, churn_probability DESC NULLS LAST, customer_id';

/** Up to this many listed customers, their order and complaint facts are computed for them alone. */
const FACTS_FOR_LISTED_ONLY = 10_000;

/** Which candidates the filters keep: SQL conditions on `s` (scores) and `c` (customers), values bound. */
interface CandidateFilter {
  conditions: string[];
  params: Record<string, SqlParam>;
}

/** One value or several, as a list without repeats. */
const listOf = (value: string | readonly string[] | undefined): string[] =>
  value === undefined ? [] : [...new Set(typeof value === 'string' ? [value] : value)];

function candidateFilter(filters: CallListFilters): CandidateFilter {
  const conditions: string[] = [];
  const params: Record<string, SqlParam> = {};
  if (filters.minProbability !== undefined) {
    conditions.push('s.churn_probability >= $minProbability');
    params.minProbability = filters.minProbability;
  }
  if (filters.maxProbability !== undefined) {
    conditions.push('s.churn_probability <= $maxProbability');
    params.maxProbability = filters.maxProbability;
  }
  if (filters.minValue !== undefined) {
    conditions.push('s.value_at_risk >= $minValue');
    params.minValue = filters.minValue;
  }
  // Several values become one placeholder each: the text varies with their count, never their content.
  const anyOf = (column: string, name: string, values: string[]) => {
    if (values.length === 0) return;
    conditions.push(`${column} IN (${values.map((_, i) => `$${name}${i}`).join(', ')})`);
    values.forEach((v, i) => {
      params[`${name}${i}`] = v;
    });
  };
  anyOf('s.segment', 'segment', listOf(filters.segment));
  anyOf('c.region', 'region', listOf(filters.region));
  if (filters.hasOpenComplaint !== undefined) {
    conditions.push(
      `${filters.hasOpenComplaint ? '' : 'NOT '}EXISTS (SELECT 1 FROM complaints q
        WHERE q.customer_id = s.customer_id AND q.resolved_at IS NULL)`,
    );
  }
  return { conditions, params };
}

/**
 * Every scored customer matching the filters, with their contact details (the phone number as
 * E.164 too) and last contact, and the first reason that keeps them off the list: no consent
 * (unknown consent counts as none), "do not call" as their latest outcome, any outcome within the
 * last D days, or, when only reachable customers are asked for, no diallable number. Ties in
 * contact time go to "do not call". Columns a statement does not use are not read (projection
 * pushdown).
 */
function candidates(
  source: ScoresSource,
  filters: CallListFilters,
  conditions: readonly string[],
  callEffect: string,
  members: boolean,
): string {
  const phoneCondition = filters.hasPhone === false ? 'WHERE phone_e164 IS NULL' : '';
  const noPhone = filters.hasPhone === true ? "WHEN phone_e164 IS NULL THEN 'no_phone'" : '';
  // A saved list's members stay on it whatever their standing now; otherwise the lost go to the
  // win-back list and the others to the at-risk list.
  const otherList = members ? '' : `WHEN ${filters.kind === 'win-back' ? 'NOT ' : ''}lost THEN 'other_list'`;
  return `${customerStateCtes('SELECT customer_id, CAST($asOf AS DATE) AS as_of FROM latest_scores', 'CAST($asOf AS DATE)')},
  contacts AS (
    SELECT customer_id,
           max(contacted_at) AS last_contact,
           arg_max(outcome, {'at': contacted_at, 'dnc': outcome = 'do_not_call'}) AS last_outcome
    FROM contact_outcomes
    GROUP BY customer_id
  ),
  candidates AS (
    SELECT *,
           value_at_risk * call_effect AS expected_saved,
           CASE
             ${otherList}
             WHEN contact_consent IS NOT TRUE THEN 'no_consent'
             WHEN last_outcome = 'do_not_call' THEN 'do_not_call'
             WHEN last_contact >= CAST($contactedSince AS TIMESTAMP) THEN 'recently_contacted'
             ${noPhone}
           END AS excluded
    FROM (SELECT *, ${callEffect} AS call_effect FROM (${withPhoneE164(`
      SELECT s.customer_id,
             s.churn_probability::DOUBLE AS churn_probability,
             s.value_at_risk::DOUBLE AS value_at_risk,
             s.segment::VARCHAR AS segment,
             c.name, c.phone, c.email, c.contact_consent,
             -- The country a national number is read in: the region's, else the list's home country.
             coalesce(${regionCountrySql('c.region')}, $phoneCountry) AS phone_country,
             ${reasonsList(source)} AS reasons,
             k.last_contact, k.last_outcome,
             cs.orders, cs.days_since, cs.usual_gap, cs.slow_complaint, cs.open_complaint,
             ${lostSql('cs')} AS lost
      FROM latest_scores s
      LEFT JOIN customers c ON c.customer_id = s.customer_id
      LEFT JOIN contacts k ON k.customer_id = s.customer_id
      LEFT JOIN customer_state cs ON cs.customer_id = s.customer_id
      WHERE ${conditions.length > 0 ? conditions.join('\n        AND ') : 'true'}`)}))
    ${phoneCondition}
  )`;
}

/**
 * The segment as a retention team reads it (segmentStanding in @retain/schemas): "Champion,
 * slipping" for a customer of a good segment more likely to leave than stay.
 */
function standingSql(segment: string, probability: string): string {
  const slipping = Object.entries(SLIPPING_STANDINGS)
    .map(([name, label]) => `WHEN ${sqlString(name)} THEN ${sqlString(label)}`)
    .join(' ');
  return `CASE WHEN ${probability} >= ${SLIPPING_PROBABILITY} THEN CASE ${segment} ${slipping} ELSE ${segment} END
    ELSE ${segment} END`;
}

export interface CallListWindow {
  offset: number;
  /** Rows at most; null for all. */
  limit: number | null;
}

export interface CallListSql {
  /** One row: eligible customers, each exclusion's count, value at risk of the eligible. */
  summary: Sql;
  /** The value at risk of the first `cut` eligible customers (when the cut leaves some out). */
  valueListed: Sql;
  /**
   * The ranked rows in CALL_LIST_COLUMNS order but for the rank, which is the row's position
   * (plus the offset). `rows` gives a column per cell; `csv` one column, `line`: the row's CSV
   * line as `csvLine` writes it, without the rank and the line break. `eligible` (from the
   * summary) lets a window that covers the whole list skip the ranking's cut.
   */
  rows(window: CallListWindow, shape: 'csv' | 'rows', eligible: number): Sql;
  /** The cut: top or capacity, or null for the whole list. */
  cut: number | null;
  /** The CTEs ending in `candidates` (with `excluded`, `expected_saved`), and their values. */
  ctes: string;
  params: Record<string, SqlParam>;
}

/**
 * The call list as SQL: the candidates (filters and exclusions) cut to top/capacity, joined to
 * their order and complaint facts, in ranking order: value at risk, ties by probability, then
 * customer id. Values are always bound; the text varies only with the shape of the scores, which
 * filters are given (and how many segments or regions), and whether a cut applies. Written for a small memory budget: each table is joined once, no window
 * function, aggregations and joins DuckDB can spill, and the facts of a page or a short list
 * computed for its own customers only.
 */
export interface CallListSqlOptions {
  now?: Date;
  phoneCountry?: string | null;
  /** The day the ranking is true at (the scores' as-of date), YYYY-MM-DD: the lost rule's today. */
  asOf?: string | null;
  /** P(a call changes the outcome) for everyone; replaced by `uplift` when given. */
  callEffectPrior?: number;
  uplift?: UpliftModel | null;
  /** Only the treated members of this saved list (its re-export), uncut. */
  listId?: string | null;
}

export function callListSql(
  source: ScoresSource,
  filters: CallListFilters,
  options: CallListSqlOptions = {},
): CallListSql {
  const listId = options.listId ?? null;
  const cut = listId === null ? (filters.top ?? filters.capacity ?? null) : null;
  const now = options.now ?? new Date();
  const contactedSince =
    filters.excludeContactedDays === undefined
      ? null
      : new Date(now.getTime() - filters.excludeContactedDays * 86_400_000).toISOString();
  const filter = candidateFilter(filters);
  if (listId !== null) {
    filter.conditions.push(`s.customer_id IN (SELECT customer_id FROM call_list_members
        WHERE list_id = $listId AND arm = 'treated')`);
    filter.params.listId = listId;
  }
  const params: Record<string, SqlParam> = {
    contactedSince,
    phoneCountry: options.phoneCountry ?? null,
    asOf: options.asOf ?? null,
    ...filter.params,
  };
  const callEffect = options.uplift
    ? upliftSql(options.uplift)
    : `${Number(options.callEffectPrior ?? DEFAULT_CALL_EFFECT)}::DOUBLE`;
  const scoredAt = source.asOf ? 'max(as_of)::VARCHAR' : 'NULL';
  const latestModel = source.asOf ? 'arg_max(model_id, as_of)' : 'any_value(model_id)';
  const modelId = source.modelId ? `${latestModel}::VARCHAR` : 'NULL';
  const ctes = candidates(source, filters, filter.conditions, callEffect, listId !== null);
  return {
    cut,
    summary: sql.named(
      `WITH ${ctes}
        SELECT
          count(*) FILTER (WHERE excluded IS NULL)::INTEGER AS eligible,
          count(*) FILTER (WHERE excluded = 'no_consent')::INTEGER AS no_consent,
          count(*) FILTER (WHERE excluded = 'do_not_call')::INTEGER AS do_not_call,
          count(*) FILTER (WHERE excluded = 'recently_contacted')::INTEGER AS recently_contacted,
          count(*) FILTER (WHERE excluded = 'no_phone')::INTEGER AS no_phone,
          count(*) FILTER (WHERE excluded IS NULL AND phone_e164 IS NULL)::INTEGER AS without_phone,
          count(*) FILTER (WHERE excluded = 'other_list')::INTEGER AS other_list,
          coalesce(sum(value_at_risk) FILTER (WHERE excluded IS NULL), 0)::DOUBLE AS value_eligible,
          coalesce(sum(expected_saved) FILTER (WHERE excluded IS NULL), 0)::DOUBLE AS saved_eligible,
          (SELECT ${modelId} FROM latest_scores) AS model_id,
          (SELECT ${scoredAt} FROM latest_scores) AS scored_at
        FROM candidates`,
      params,
    ),
    valueListed: sql.named(
      `WITH ${ctes}
        SELECT coalesce(sum(value_at_risk), 0)::DOUBLE AS value_listed,
               coalesce(sum(expected_saved), 0)::DOUBLE AS saved_listed,
               count(*) FILTER (WHERE phone_e164 IS NULL)::INTEGER AS without_phone
        FROM (
          SELECT value_at_risk, expected_saved, phone_e164 FROM candidates WHERE excluded IS NULL ORDER BY ${RANKING} LIMIT $cut
        )`,
      { ...params, cut },
    ),
    ctes,
    params,
    rows: (window, shape, eligible) => {
      const bounds = windowBounds(cut, window);
      const whole = bounds.offset === 0 && (bounds.limit === null || bounds.limit >= eligible);
      const few = !whole && bounds.limit !== null && bounds.limit <= FACTS_FOR_LISTED_ONLY;
      return sql.named(
        rowsSql(ctes, shape, whole ? 'whole' : few ? 'few' : 'cut'),
        whole ? params : { ...params, ...bounds },
      );
    },
  };
}

/** The page of the cut list: rows offset … offset+limit, never past the cut. */
function windowBounds(cut: number | null, window: CallListWindow): { offset: number; limit: number | null } {
  const room = cut === null ? null : Math.max(0, cut - window.offset);
  const limit = window.limit === null ? room : room === null ? window.limit : Math.min(room, window.limit);
  return { offset: window.offset, limit };
}

/** The list's cells after the rank, in CALL_LIST_COLUMNS order: their SQL, and how CSV writes them. */
const CELLS: ReadonlyArray<{
  name: string;
  sql: string;
  csv: 'text' | 'number' | 'integer' | 'e164' | null;
  csvSql?: string;
}> = [
  { name: 'customer_id', sql: 'l.customer_id', csv: 'text' },
  { name: 'name', sql: 'l.name', csv: 'text' },
  { name: 'phone', sql: 'l.phone', csv: 'text' },
  { name: 'email', sql: 'l.email', csv: 'text' },
  { name: 'churn_probability', sql: 'round(l.churn_probability, 4)::DOUBLE', csv: 'number' },
  { name: 'value_at_risk', sql: 'round(l.value_at_risk, 2)::DOUBLE', csv: 'number' },
  { name: 'last_order_date', sql: 'o.last_order_date::VARCHAR', csv: 'text' },
  { name: 'orders', sql: 'coalesce(o.orders, 0)::INTEGER', csv: 'integer' },
  { name: 'open_complaints', sql: 'coalesce(oc.open_complaints, 0)::INTEGER', csv: 'integer' },
  { name: 'reasons', sql: 'l.reasons', csv: 'text', csvSql: "array_to_string(l.reasons, ' | ')" },
  { name: 'last_contact', sql: "strftime(l.last_contact, '%Y-%m-%dT%H:%M:%SZ')", csv: 'text' },
  { name: 'last_outcome', sql: 'l.last_outcome', csv: 'text' },
  { name: 'phone_e164', sql: 'l.phone_e164', csv: 'e164' },
  { name: 'segment', sql: 'l.segment', csv: 'text' },
  { name: 'standing', sql: standingSql('l.segment', 'l.churn_probability'), csv: 'text' },
  // Shown on the dashboard; the CSV keeps its documented columns.
  { name: 'call_effect', sql: 'round(l.call_effect, 4)::DOUBLE', csv: null },
  { name: 'expected_saved', sql: 'round(l.expected_saved, 2)::DOUBLE', csv: null },
];
const CSV_CELLS = CELLS.flatMap((c) => (c.csv === null ? [] : [{ ...c, csv: c.csv }]));

const CSV_CELL = {
  text: csvTextSql,
  number: csvNumberSql,
  integer: (name: string) => `${name}::VARCHAR`,
  // "+" and 7–15 digits, nothing else (e164Sql): no formula can hide in it, and a dialler reads
  // it as it is, so it is written without the leading ' that other cells starting with + get.
  e164: (name: string) => `coalesce(${name}, '')`,
} as const;

function rowsSql(ctes: string, shape: 'csv' | 'rows', cut: 'whole' | 'cut' | 'few'): string {
  // A short list is cut first, so that only its own customers' facts are computed; a long one is
  // cut by the final ORDER BY, so that its rows are sorted once.
  const listed =
    cut === 'few'
      ? `SELECT * FROM candidates WHERE excluded IS NULL ORDER BY ${RANKING} LIMIT $limit OFFSET $offset`
      : 'SELECT * FROM candidates WHERE excluded IS NULL';
  const ofListed = cut === 'few' ? 'AND customer_id IN (SELECT customer_id FROM listed)' : '';
  const joined = `FROM listed l
      LEFT JOIN order_facts o ON o.customer_id = l.customer_id
      LEFT JOIN open_complaints oc ON oc.customer_id = l.customer_id`;
  const window = cut === 'cut' ? 'LIMIT $limit OFFSET $offset' : '';
  const select =
    shape === 'rows'
      ? `SELECT ${CELLS.map((c) => `${c.sql} AS ${c.name}`).join(', ')}
      ${joined}
      ORDER BY ${RANKING.replaceAll(/(expected_saved|value_at_risk|churn_probability|customer_id)/g, 'l.$1')} ${window}`
      : // Finished CSV lines (see csvSql.ts in @retain/warehouse). The cells are named in a
        // subquery, so that each is computed once however often its formatting refers to it.
        `SELECT ${csvLineSql(CSV_CELLS.map((c) => CSV_CELL[c.csv](c.name)))} AS line
      FROM (
        SELECT ${CSV_CELLS.map((c) => `${c.csvSql ?? c.sql} AS ${c.name}`).join(', ')},
               l.expected_saved AS rank_saved, l.value_at_risk AS rank_value, l.churn_probability AS rank_probability
        ${joined}
      )
      ORDER BY ${RANKING.replace('expected_saved', 'rank_saved').replace('value_at_risk', 'rank_value').replace('churn_probability', 'rank_probability')} ${window}`;
  return `WITH ${ctes},
    listed AS ${cut === 'few' ? 'MATERIALIZED ' : ''}(${listed}),
    order_facts AS (
      -- Two plain aggregations rather than count(DISTINCT): these can spill to disk.
      SELECT customer_id, max(last_order_at)::DATE AS last_order_date, count(*) AS orders
      FROM (
        SELECT customer_id, order_id, max(order_date) AS last_order_at
        FROM purchases WHERE true ${ofListed}
        GROUP BY customer_id, order_id
      )
      GROUP BY customer_id
    ),
    open_complaints AS (
      SELECT customer_id, count(*) AS open_complaints
      FROM complaints WHERE resolved_at IS NULL ${ofListed}
      GROUP BY customer_id
    )
    ${select}`;
}
