import type { CohortCustomers, CohortCustomersQuery } from '@retain/schemas';
import { BadInputError, type Db, type Sql, type Warehouse } from '@retain/warehouse';
import type { RollupState } from './analyticsRollup.ts';
import { analyticsScope, type Grouping, PERIOD_COLUMN, withClause } from './analyticsScope.ts';
import { parsePeriodLabel, periodBounds } from './periods.ts';
import { readAnalytics } from './readAnalytics.ts';
import { readRows, sqlQuery } from './sqlQuery.ts';

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
    cohortCondition = `o.f${p} = $fp::INTEGER`;
  } else {
    params.cohort = query.cohort;
    cohortCondition = `${scope.group('o')} = $cohort`;
  }
  let cellCondition = 'TRUE';
  if (query.offset !== undefined) {
    const { end, lastComplete } = periodBounds(query.period, scope.endDay);
    Object.assign(params, { k: query.offset, endPeriod: end, lastComplete });
    const active = query.mode === 'on' ? 'm.active_on' : 'm.last_k >= $k::INTEGER';
    cellCondition = `m.fp + $k::INTEGER <= (CASE WHEN (SELECT min(fp) FROM members) + $k::INTEGER <= $lastComplete::INTEGER
                                                 THEN $lastComplete::INTEGER ELSE $endPeriod::INTEGER END)
                     AND ${query.status === 'active' ? '' : 'NOT '}coalesce(${active}, FALSE)`;
  } else {
    params.k = null;
  }
  const direction = query.direction === 'asc' ? 'ASC' : 'DESC';
  Object.assign(params, { limit: query.pageSize, skip: (query.page - 1) * query.pageSize });
  return sqlQuery(
    `${withClause([
      ...scope.ctes,
      `members AS (
         SELECT o.cust, min(o.f${p}) AS fp, min(o.ts) AS first_ts, max(o.ts) AS last_ts,
                count(*)::INTEGER AS orders, sum(o.value)::DOUBLE AS revenue,
                bool_or(o.${p} - o.f${p} = $k::INTEGER) AS active_on, max(o.${p} - o.f${p}) AS last_k
         FROM analytics_orders o ${scope.joins('o')}
         WHERE o.day <= $end::DATE AND ${scope.where('o')} AND ${cohortCondition}
         GROUP BY o.cust)`,
      `cell AS (SELECT m.* FROM members m WHERE ${cellCondition})`,
      `complaint_counts AS (SELECT cust, count(*)::INTEGER AS n FROM analytics_complaints
                            WHERE opened_day <= $end::DATE AND cust IN (SELECT cust FROM cell) GROUP BY cust)`,
      `return_counts AS (SELECT cust, count(*)::INTEGER AS n FROM analytics_returns
                         WHERE day <= $end::DATE AND cust IN (SELECT cust FROM cell) GROUP BY cust)`,
    ])}
     SELECT c.customer_id, strftime(m.first_ts, '%Y-%m-%dT%H:%M:%SZ') AS first_order,
            strftime(m.last_ts, '%Y-%m-%dT%H:%M:%SZ') AS last_order, m.orders, m.revenue,
            coalesce(x.n, 0)::INTEGER AS complaints, coalesce(r.n, 0)::INTEGER AS "returns",
            count(*) OVER ()::INTEGER AS total
     FROM cell m JOIN analytics_customers c USING (cust)
     LEFT JOIN complaint_counts x USING (cust) LEFT JOIN return_counts r USING (cust)
     ORDER BY ${SORT_COLUMNS[query.sort]} ${direction}, c.customer_id
     LIMIT $limit::INTEGER OFFSET $skip::INTEGER`,
    params,
  );
}

const EXAMPLES = { day: '2024-01-05', week: '2024-W01', month: '2024-01', quarter: '2024-Q1' } as const;

export async function cohortCustomers(
  warehouse: Warehouse,
  query: CohortCustomersQuery,
): Promise<CohortCustomers> {
  return readAnalytics(warehouse, (conn, state) => customersFromSnapshot(conn, state, query));
}

async function customersFromSnapshot(
  conn: Db,
  state: RollupState,
  query: CohortCustomersQuery,
): Promise<CohortCustomers> {
  const sql = cohortCustomersQuery(state, query);
  const rows = sql ? await readRows(conn, sql) : [];
  let total = rows[0]?.number('total') ?? 0;
  if (rows.length === 0 && sql && query.page > 1) {
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
