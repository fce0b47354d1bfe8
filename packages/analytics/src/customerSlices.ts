import { type Sql, sql } from '@retain/warehouse';
import type { AnalyticsScope } from './analyticsScope.ts';
import type { ResultRow } from './sqlQuery.ts';

/*
 * Several scopes read in one pass. A channel or region filter keeps the customers whose first order
 * had one of the values (analyticsScope.ts), so every customer lies in exactly one (channel, region)
 * part: a statement grouped by the two gives additive sums per part, and a scope's figure is the
 * sum over the parts it keeps. The statement is the same whichever scopes are asked for, so one
 * scope read alone and the same scope read among others add the same rows in the same order.
 */

/** Customers by their first order's channel and region: each list given keeps those values only. */
export interface CustomerSlice {
  channel?: readonly string[] | undefined;
  region?: readonly string[] | undefined;
}

/** Whether a customer whose first order had this channel and region is in the slice (as SQL's IN). */
export function inSlice(slice: CustomerSlice, channel: string | null, region: string | null): boolean {
  const keeps = (values: readonly string[] | undefined, value: string | null) =>
    values === undefined || (value !== null && values.includes(value));
  return keeps(slice.channel, channel) && keeps(slice.region, region);
}

/** The slice as a condition on a rollup row (any table carrying f_channel and f_region) under `alias`. */
export function sliceCondition(slice: CustomerSlice, alias: string): Sql {
  const conditions: Sql[] = [];
  for (const [column, values] of [
    ['f_channel', slice.channel],
    ['f_region', slice.region],
  ] as const) {
    if (values === undefined) continue;
    conditions.push(
      values.length === 0
        ? sql`FALSE`
        : sql`${sql.raw(`${alias}.${column}`)} IN (${sql.join(values.map((value) => sql`${value}`))})`,
    );
  }
  return conditions.length === 0 ? sql`TRUE` : sql.join(conditions, ' AND ');
}

/**
 * The rows of a statement grouped by `channel` and `region` (and more), kept per slice: each
 * slice's rows in one fixed order (by `orderKey`), so that sums over them do not depend on the
 * order the engine returned its groups in.
 */
export function rowsBySlice(
  rows: readonly ResultRow[],
  slices: readonly CustomerSlice[],
  orderKey: (row: ResultRow) => string,
): ResultRow[][] {
  const keyed = rows.map((row) => ({ row, key: orderKey(row) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return slices.map((slice) =>
    keyed
      .filter(({ row }) => inSlice(slice, row.nullableString('channel'), row.nullableString('region')))
      .map(({ row }) => row),
  );
}

/** The scope's common table expressions, joins and conditions as statement fragments. */
export function scopeSql(scope: AnalyticsScope): {
  ctes: Sql[];
  joins: (alias: string) => Sql;
  where: (alias: string) => Sql;
} {
  const fragment = (text: string) => sql.named(text, scope.params);
  return {
    ctes: scope.ctes.map(fragment),
    joins: (alias) => fragment(scope.joins(alias)),
    where: (alias) => fragment(scope.where(alias)),
  };
}

/** "WITH a AS (…), b AS (…)" or nothing. */
export function withCtes(ctes: readonly Sql[]): Sql {
  return ctes.length === 0 ? sql.empty : sql`WITH ${sql.join(ctes, ',\n')}\n`;
}
