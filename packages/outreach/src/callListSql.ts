import { isAnyOf, listOf, scoreConditions } from '@retain/churn';
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
  type Dialect,
  ordersRelation,
  type Sql,
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
  /** `list`: a list of text; `text`: a JSON list of phrases (JSON or VARCHAR); `none`: no column. */
  reasons: 'list' | 'text' | 'none';
  modelId: boolean;
  asOf: boolean;
  /** Whether `contact_outcomes` exists: a database opened read-only may never have had it made. */
  outcomes: boolean;
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
        db.dialect.tableColumns('latest_scores'),
        z.object({ column_name: z.string(), is_list: z.boolean() }),
      )
    ).map((c) => [c.column_name, c.is_list]),
  );
  if (columns.size === 0) throw new NoScoresError();
  const missing = REQUIRED.filter((c) => !columns.has(c));
  if (missing.length > 0) {
    throw new Error(`latest_scores lacks ${missing.join(', ')}; this build of Retain cannot read it.`);
  }
  const any = await db.scalar(sql`SELECT EXISTS (SELECT 1 FROM latest_scores)`, z.boolean());
  if (!any) throw new NoScoresError();
  const reasonsIsList = columns.get('reasons');
  return {
    reasons: reasonsIsList === undefined ? 'none' : reasonsIsList ? 'list' : 'text',
    modelId: columns.has('model_id'),
    asOf: columns.has('as_of'),
    outcomes: await db.scalar(db.dialect.tableExists('contact_outcomes'), z.boolean()),
  };
}

/** Reasons as a list of text whatever the scores hold. */
function reasonsList(d: Dialect, source: ScoresSource): Sql {
  const none = d.emptyList('varchar');
  switch (source.reasons) {
    case 'list':
      return sql`coalesce(s.reasons, ${none})`;
    case 'text': {
      const text = d.cast(sql`s.reasons`, 'varchar');
      const parsed = d.parseTextList(text);
      return sql`CASE WHEN ${parsed} IS NOT NULL THEN ${parsed}
              WHEN s.reasons IS NULL OR trim(${text}) = '' THEN ${none}
              ELSE ARRAY[${text}] END`;
    }
    case 'none':
      return none;
  }
}

/** What a call can save first (value at risk × P(a call changes the outcome)), then as before. */
export const RANKING =
  'expected_saved DESC NULLS LAST, value_at_risk DESC NULLS LAST, churn_probability DESC NULLS LAST, customer_id';

/** Up to this many listed customers, their order and complaint facts are computed for them alone. */
const FACTS_FOR_LISTED_ONLY = 10_000;

/**
 * Which candidates the filters keep: conditions on `s` (scores: the filters the scores list offers
 * too) and `c` (customers), values bound.
 */
function candidateConditions(filters: CallListFilters): Sql[] {
  const conditions = scoreConditions(filters, 's');
  const regions = listOf(filters.region);
  if (regions.length > 0) conditions.push(isAnyOf(sql`c.region`, regions));
  if (filters.hasOpenComplaint !== undefined) {
    conditions.push(
      sql`${sql.raw(filters.hasOpenComplaint ? '' : 'NOT ')}EXISTS (SELECT 1 FROM complaints q
        WHERE q.customer_id = s.customer_id AND q.resolved_at IS NULL)`,
    );
  }
  return conditions;
}

interface CandidateSettings {
  asOf: string | null;
  contactedSince: string | null;
  phoneCountry: string | null;
  callEffect: Sql;
  /** A saved list's members (its re-export) rather than today's candidates. */
  members: boolean;
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
  d: Dialect,
  source: ScoresSource,
  filters: CallListFilters,
  conditions: readonly Sql[],
  settings: CandidateSettings,
): Sql {
  const phoneCondition = filters.hasPhone === false ? sql`WHERE phone_e164 IS NULL` : sql.empty;
  const noPhone = filters.hasPhone === true ? sql`WHEN phone_e164 IS NULL THEN 'no_phone'` : sql.empty;
  // A saved list's members stay on it whatever their standing now; otherwise the lost go to the
  // win-back list and the others to the at-risk list.
  const otherList = settings.members
    ? sql.empty
    : sql`WHEN ${sql.raw(filters.kind === 'win-back' ? 'NOT ' : '')}lost THEN 'other_list'`;
  const asOf = sql`CAST(${settings.asOf} AS DATE)`;
  const where = conditions.length > 0 ? sql.join(conditions, '\n        AND ') : sql`true`;
  const latest = sql`max(contacted_at)`;
  // The latest outcome; of outcomes recorded at the same instant, "do not call". Without the
  // outcomes table nobody has been contacted.
  const contacts = source.outcomes
    ? sql`SELECT customer_id,
           ${latest} AS last_contact,
           CASE WHEN ${d.filtered(latest, sql`outcome = 'do_not_call'`)} = ${latest} THEN 'do_not_call'
             ELSE ${d.argMax(sql`outcome`, sql`contacted_at`)} END AS last_outcome
    FROM contact_outcomes
    GROUP BY customer_id`
    : sql`SELECT ${d.cast(sql`NULL`, 'varchar')} AS customer_id, ${d.cast(sql`NULL`, 'timestamp')} AS last_contact,
           ${d.cast(sql`NULL`, 'varchar')} AS last_outcome
    WHERE false`;
  return sql`${customerStateCtes(d, sql`SELECT customer_id, ${asOf} AS as_of FROM latest_scores`, asOf)},
  contacts AS (${contacts}),
  scored AS (
    SELECT s.customer_id,
           ${d.cast(sql`s.churn_probability`, 'double')} AS churn_probability,
           ${d.cast(sql`s.value_at_risk`, 'double')} AS value_at_risk,
           ${d.cast(sql`s.segment`, 'varchar')} AS segment,
           c.name, c.phone, c.email, c.contact_consent,
           -- The country a national number is read in: the region's, else the list's home country.
           coalesce(${sql.raw(regionCountrySql(d, 'c.region'))}, ${settings.phoneCountry}) AS phone_country,
           ${reasonsList(d, source)} AS reasons,
           k.last_contact, k.last_outcome,
           cs.orders, cs.days_since, cs.usual_gap, cs.slow_complaint, cs.open_complaint,
           ${sql.raw(lostSql('cs'))} AS lost
    FROM latest_scores s
    LEFT JOIN customers c ON c.customer_id = s.customer_id
    LEFT JOIN contacts k ON k.customer_id = s.customer_id
    LEFT JOIN customer_state cs ON cs.customer_id = s.customer_id
    WHERE ${where}
  ),
  candidates AS (
    SELECT *,
           value_at_risk * call_effect AS expected_saved,
           CASE
             ${otherList}
             WHEN contact_consent IS NOT TRUE THEN 'no_consent'
             WHEN last_outcome = 'do_not_call' THEN 'do_not_call'
             WHEN last_contact >= CAST(${settings.contactedSince} AS TIMESTAMP) THEN 'recently_contacted'
             ${noPhone}
           END AS excluded
    FROM (SELECT *, ${settings.callEffect} AS call_effect FROM (${sql.raw(withPhoneE164(d, 'SELECT * FROM scored', SCORED_COLUMNS))}))
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

/** The columns of the `scored` rows above, in order. */
const SCORED_COLUMNS = [
  'customer_id',
  'churn_probability',
  'value_at_risk',
  'segment',
  'name',
  'phone',
  'email',
  'contact_consent',
  'phone_country',
  'reasons',
  'last_contact',
  'last_outcome',
  'orders',
  'days_since',
  'usual_gap',
  'slow_complaint',
  'open_complaint',
  'lost',
];

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
  /** The CTEs ending in `candidates` (with `excluded`, `expected_saved`), their values bound. */
  ctes: Sql;
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
  d: Dialect,
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
  const conditions = candidateConditions(filters);
  if (listId !== null) {
    conditions.push(sql`s.customer_id IN (SELECT customer_id FROM call_list_members
        WHERE list_id = ${listId} AND arm = 'treated')`);
  }
  const callEffect = options.uplift
    ? sql.raw(upliftSql(options.uplift))
    : d.cast(sql.raw(String(Number(options.callEffectPrior ?? DEFAULT_CALL_EFFECT))), 'double');
  const scoredAt = source.asOf ? d.cast(sql`max(as_of)`, 'varchar') : sql`NULL`;
  const latestModel = source.asOf ? d.argMax(sql`model_id`, sql`as_of`) : sql`any_value(model_id)`;
  const modelId = source.modelId ? d.cast(latestModel, 'varchar') : sql`NULL`;
  const ctes = candidates(d, source, filters, conditions, {
    asOf: options.asOf ?? null,
    contactedSince,
    phoneCountry: options.phoneCountry ?? null,
    callEffect,
    members: listId !== null,
  });
  const count = (condition: string) => d.cast(d.filtered(sql`count(*)`, sql.raw(condition)), 'integer');
  const total = (column: string, condition: string | null) =>
    d.cast(
      sql`coalesce(${condition === null ? sql.raw(`sum(${column})`) : d.filtered(sql.raw(`sum(${column})`), sql.raw(condition))}, 0)`,
      'double',
    );
  return {
    cut,
    summary: sql`WITH ${ctes}
        SELECT
          ${count('excluded IS NULL')} AS eligible,
          ${count("excluded = 'no_consent'")} AS no_consent,
          ${count("excluded = 'do_not_call'")} AS do_not_call,
          ${count("excluded = 'recently_contacted'")} AS recently_contacted,
          ${count("excluded = 'no_phone'")} AS no_phone,
          ${count('excluded IS NULL AND phone_e164 IS NULL')} AS without_phone,
          ${count("excluded = 'other_list'")} AS other_list,
          ${total('value_at_risk', 'excluded IS NULL')} AS value_eligible,
          ${total('expected_saved', 'excluded IS NULL')} AS saved_eligible,
          (SELECT ${modelId} FROM latest_scores) AS model_id,
          (SELECT ${scoredAt} FROM latest_scores) AS scored_at
        FROM candidates`,
    valueListed: sql`WITH ${ctes}
        SELECT ${total('value_at_risk', null)} AS value_listed,
               ${total('expected_saved', null)} AS saved_listed,
               ${count('phone_e164 IS NULL')} AS without_phone
        FROM (
          SELECT value_at_risk, expected_saved, phone_e164 FROM candidates WHERE excluded IS NULL
          ORDER BY ${sql.raw(RANKING)} ${limitClause(cut)}
        )`,
    ctes,
    rows: (window, shape, eligible) => {
      const bounds = windowBounds(cut, window);
      const whole = bounds.offset === 0 && (bounds.limit === null || bounds.limit >= eligible);
      const few = !whole && bounds.limit !== null && bounds.limit <= FACTS_FOR_LISTED_ONLY;
      return rowsSql(d, ctes, shape, whole ? 'whole' : few ? 'few' : 'cut', bounds);
    },
  };
}

/** OFFSET and LIMIT with bound values; no limit (null) leaves LIMIT out. */
function limitClause(limit: number | null, offset = 0): Sql {
  return sql`${offset > 0 ? sql`OFFSET ${offset}` : sql.empty} ${limit === null ? sql.empty : sql`LIMIT ${limit}`}`;
}

/** The page of the cut list: rows offset … offset+limit, never past the cut. */
function windowBounds(cut: number | null, window: CallListWindow): { offset: number; limit: number | null } {
  const room = cut === null ? null : Math.max(0, cut - window.offset);
  const limit = window.limit === null ? room : room === null ? window.limit : Math.min(room, window.limit);
  return { offset: window.offset, limit };
}

/** The list's cells after the rank, in CALL_LIST_COLUMNS order: their SQL, and how CSV writes them. */
function cells(d: Dialect): ReadonlyArray<{
  name: string;
  sql: Sql;
  csv: 'text' | 'number' | 'integer' | 'e164' | null;
  csvSql?: Sql;
}> {
  const double = (expr: string) => d.cast(sql.raw(expr), 'double');
  const integer = (expr: string) => d.cast(sql.raw(expr), 'integer');
  return [
    { name: 'customer_id', sql: sql`l.customer_id`, csv: 'text' },
    { name: 'name', sql: sql`l.name`, csv: 'text' },
    { name: 'phone', sql: sql`l.phone`, csv: 'text' },
    { name: 'email', sql: sql`l.email`, csv: 'text' },
    { name: 'churn_probability', sql: double('round(l.churn_probability, 4)'), csv: 'number' },
    { name: 'value_at_risk', sql: double('round(l.value_at_risk, 2)'), csv: 'number' },
    { name: 'last_order_date', sql: d.cast(sql`o.last_order_date`, 'varchar'), csv: 'text' },
    { name: 'orders', sql: integer('coalesce(o.orders, 0)'), csv: 'integer' },
    { name: 'open_complaints', sql: integer('coalesce(oc.open_complaints, 0)'), csv: 'integer' },
    { name: 'reasons', sql: sql`l.reasons`, csv: 'text', csvSql: d.joinList(sql`l.reasons`, sql`' | '`) },
    { name: 'last_contact', sql: d.isoInstant(sql`l.last_contact`), csv: 'text' },
    { name: 'last_outcome', sql: sql`l.last_outcome`, csv: 'text' },
    { name: 'phone_e164', sql: sql`l.phone_e164`, csv: 'e164' },
    { name: 'segment', sql: sql`l.segment`, csv: 'text' },
    { name: 'standing', sql: sql.raw(standingSql('l.segment', 'l.churn_probability')), csv: 'text' },
    // Shown on the dashboard; the CSV keeps its documented columns.
    { name: 'call_effect', sql: double('round(l.call_effect, 4)'), csv: null },
    { name: 'expected_saved', sql: double('round(l.expected_saved, 2)'), csv: null },
  ];
}

function csvCell(kind: 'text' | 'number' | 'integer' | 'e164', name: string): string {
  switch (kind) {
    case 'text':
      return csvTextSql(name);
    case 'number':
      return csvNumberSql(name);
    case 'integer':
      return `CAST(${name} AS VARCHAR)`;
    // "+" and 7–15 digits, nothing else (e164Sql): no formula can hide in it, and a dialler reads
    // it as it is, so it is written without the leading ' that other cells starting with + get.
    case 'e164':
      return `coalesce(${name}, '')`;
  }
}

function rowsSql(
  d: Dialect,
  ctes: Sql,
  shape: 'csv' | 'rows',
  cut: 'whole' | 'cut' | 'few',
  bounds: { offset: number; limit: number | null },
): Sql {
  const ranking = sql.raw(RANKING);
  // A short list is cut first, so that only its own customers' facts are computed; a long one is
  // cut by the final ORDER BY, so that its rows are sorted once.
  const listed =
    cut === 'few'
      ? sql`SELECT * FROM candidates WHERE excluded IS NULL ORDER BY ${ranking} ${limitClause(bounds.limit, bounds.offset)}`
      : sql`SELECT * FROM candidates WHERE excluded IS NULL`;
  const ofListed = cut === 'few' ? sql`AND customer_id IN (SELECT customer_id FROM listed)` : sql.empty;
  // The orders of the listed customers only: whole orders, each of the customer it belongs to.
  const orders =
    cut === 'few'
      ? ordersRelation({
          orderIds: sql`order_id IN (SELECT order_id FROM purchases WHERE customer_id IN (SELECT customer_id FROM listed))`,
        })
      : ordersRelation();
  const joined = sql`FROM listed l
      LEFT JOIN order_facts o ON o.customer_id = l.customer_id
      LEFT JOIN open_complaints oc ON oc.customer_id = l.customer_id`;
  const window = cut === 'cut' ? limitClause(bounds.limit, bounds.offset) : sql.empty;
  const all = cells(d);
  const select =
    shape === 'rows'
      ? sql`SELECT ${sql.join(all.map((c) => sql`${c.sql} AS ${sql.raw(c.name)}`))}
      ${joined}
      ORDER BY ${sql.raw(RANKING.replaceAll(/(expected_saved|value_at_risk|churn_probability|customer_id)/g, 'l.$1'))} ${window}`
      : csvSelect(all, joined, window);
  return sql`WITH ${ctes},
    listed AS ${sql.raw(cut === 'few' ? d.materializedCte : '')}(${listed}),
    order_facts AS (
      SELECT customer_id, ${d.cast(sql`max(last_line_at)`, 'date')} AS last_order_date, count(*) AS orders
      FROM ${orders} o
      WHERE true ${ofListed}
      GROUP BY customer_id
    ),
    open_complaints AS (
      SELECT customer_id, count(*) AS open_complaints
      FROM complaints WHERE resolved_at IS NULL ${ofListed}
      GROUP BY customer_id
    )
    ${select}`;
}

/**
 * Finished CSV lines (see csvSql.ts in @retain/warehouse). The cells are named in a subquery, so
 * that each is computed once however often its formatting refers to it.
 */
function csvSelect(all: ReturnType<typeof cells>, joined: Sql, window: Sql): Sql {
  const csvCells = all.flatMap((c) => (c.csv === null ? [] : [{ ...c, csv: c.csv }]));
  const line = csvLineSql(csvCells.map((c) => csvCell(c.csv, c.name)));
  const ranking = RANKING.replace('expected_saved', 'rank_saved')
    .replace('value_at_risk', 'rank_value')
    .replace('churn_probability', 'rank_probability');
  return sql`SELECT ${sql.raw(line)} AS line
      FROM (
        SELECT ${sql.join(csvCells.map((c) => sql`${c.csvSql ?? c.sql} AS ${sql.raw(c.name)}`))},
               l.expected_saved AS rank_saved, l.value_at_risk AS rank_value, l.churn_probability AS rank_probability
        ${joined}
      )
      ORDER BY ${sql.raw(ranking)} ${window}`;
}
