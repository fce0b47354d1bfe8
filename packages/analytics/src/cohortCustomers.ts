import type { CohortCustomers, CohortCustomersQuery } from '@retain/schemas';
import { BadInputError, type Db, type Sql, sql } from '@retain/warehouse';
import type { RollupState } from './analyticsRollup.ts';
import { analyticsScope, type Grouping, PERIOD_COLUMN, withClause } from './analyticsScope.ts';
import { parsePeriodLabel, periodBounds } from './periods.ts';
import { type AnalyticsTarget, readAnalytics } from './readAnalytics.ts';
import { readRows, spelled, sqlQuery } from './sqlQuery.ts';

/*
 * The customers behind a cohort cell, the same customers the cell counts: for an offset, its base
 * (see cohortMatrix.ts: members observed for the whole offset, or all who began it when none were)
 * and among them the active ones (an order in the offset; with onOrAfter, in it or later) or the
 * inactive rest. Without an offset, every member of the cohort.
 */

const SORT_COLUMNS: Record<CohortCustomersQuery['sort'], string> = {
  customerId: 'c.customer_id',
  firstOrder: 'm.first_ts',
  orders: 'm.orders',
  revenue: 'm.revenue',
  lastOrder: 'm.last_ts',
  complaints: 'complaints',
  returns: '"returns"',
};

export function cohortCustomersQuery(state: RollupState, query: CohortCustomersQuery): Sql | null {
  const grouping: Grouping = query.by ?? 'period';
  const scope = analyticsScope(state, query.filters, grouping);
  if (scope.endDay === null) return null;
  const p = PERIOD_COLUMN[query.period];
  const params = { ...scope.params };
  let cohortCondition: string;
  if (grouping === 'period') {
    const fp = parsePeriodLabel(query.period, query.cohort);
    if (fp === null) {
      throw new BadInputError(
        `cohort "${query.cohort}" is not a ${query.period} label like ${EXAMPLES[query.period]}`,
      );
    }
    params.fp = fp;
    cohortCondition = `o.f${p} = CAST($fp AS INTEGER)`;
  } else {
    params.cohort = query.cohort;
    cohortCondition = `${scope.group('o')} = $cohort`;
  }
  let cellCondition = 'TRUE';
  if (query.offset !== undefined) {
    const { end, lastComplete } = periodBounds(query.period, scope.endDay);
    Object.assign(params, { k: query.offset, endPeriod: end, lastComplete });
    const active = query.mode === 'on' ? 'm.active_on' : 'm.last_k >= CAST($k AS INTEGER)';
    cellCondition = `m.fp + CAST($k AS INTEGER) <= (CASE WHEN (SELECT min(fp) FROM members) + CAST($k AS INTEGER) <= CAST($lastComplete AS INTEGER)
                                                 THEN CAST($lastComplete AS INTEGER) ELSE CAST($endPeriod AS INTEGER) END)
                     AND ${query.status === 'active' ? '' : 'NOT '}coalesce(${active}, FALSE)`;
  } else {
    params.k = null;
  }
  const direction = query.direction === 'asc' ? 'ASC' : 'DESC';
  // LIMIT and OFFSET take numbers written out (not every engine binds them); both are checked integers.
  const page = spelled(
    scope.dialect.limitOffset(
      wholeNumber(query.pageSize, 'pageSize'),
      wholeNumber((query.page - 1) * query.pageSize, 'page'),
    ),
  );
  const iso = (column: string) => spelled(scope.dialect.isoInstant(sql.raw(column)));
  return sqlQuery(
    `${withClause([
      ...scope.ctes,
      `members AS (
         SELECT o.cust, min(o.f${p}) AS fp, min(o.ts) AS first_ts, max(o.ts) AS last_ts,
                CAST(count(*) AS INTEGER) AS orders, CAST(sum(o.value) AS DOUBLE) AS revenue,
                bool_or(o.${p} - o.f${p} = CAST($k AS INTEGER)) AS active_on, max(o.${p} - o.f${p}) AS last_k
         FROM analytics_orders o ${scope.joins('o')}
         WHERE o.day <= CAST($end AS DATE) AND ${scope.where('o')} AND ${cohortCondition}
         GROUP BY o.cust)`,
      `cell AS (SELECT m.* FROM members m WHERE ${cellCondition})`,
      `complaint_counts AS (SELECT cust, CAST(count(*) AS INTEGER) AS n FROM analytics_complaints
                            WHERE opened_day <= CAST($end AS DATE) AND cust IN (SELECT cust FROM cell) GROUP BY cust)`,
      `return_counts AS (SELECT cust, CAST(count(*) AS INTEGER) AS n FROM analytics_returns
                         WHERE day <= CAST($end AS DATE) AND cust IN (SELECT cust FROM cell) GROUP BY cust)`,
    ])}
     SELECT c.customer_id, ${iso('m.first_ts')} AS first_order,
            ${iso('m.last_ts')} AS last_order, m.orders, m.revenue,
            CAST(coalesce(x.n, 0) AS INTEGER) AS complaints, CAST(coalesce(r.n, 0) AS INTEGER) AS "returns",
            CAST(count(*) OVER () AS INTEGER) AS total
     FROM cell m JOIN analytics_customers c USING (cust)
     LEFT JOIN complaint_counts x USING (cust) LEFT JOIN return_counts r USING (cust)
     ORDER BY ${SORT_COLUMNS[query.sort]} ${direction}, c.customer_id
     ${page}`,
    params,
  );
}

function wholeNumber(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new BadInputError(`${field} must be a whole number of at least 0, not ${value}`);
  }
  return value;
}

const EXAMPLES = { day: '2024-01-05', week: '2024-W01', month: '2024-01', quarter: '2024-Q1' } as const;

export async function cohortCustomers(
  source: AnalyticsTarget,
  query: CohortCustomersQuery,
): Promise<CohortCustomers> {
  return readAnalytics(source, (conn, state) => customersFromSnapshot(conn, state, query));
}

async function customersFromSnapshot(
  conn: Db,
  state: RollupState,
  query: CohortCustomersQuery,
): Promise<CohortCustomers> {
  const statement = cohortCustomersQuery(state, query);
  const rows = statement ? await readRows(conn, statement) : [];
  let total = rows[0]?.number('total') ?? 0;
  if (rows.length === 0 && statement && query.page > 1) {
    // Past the last page the window count is gone with the rows; ask for the first page's.
    const firstPage = cohortCustomersQuery(state, { ...query, page: 1, pageSize: 1 });
    const [first] = firstPage ? await readRows(conn, firstPage) : [];
    total = first?.number('total') ?? 0;
  }
  return {
    total,
    page: query.page,
    pageSize: query.pageSize,
    rows: rows.map((row) => ({
      customerId: row.string('customer_id'),
      firstOrder: row.string('first_order'),
      lastOrder: row.string('last_order'),
      orders: row.number('orders'),
      revenue: row.number('revenue'),
      complaints: row.number('complaints'),
      returns: row.number('returns'),
    })),
  };
}
