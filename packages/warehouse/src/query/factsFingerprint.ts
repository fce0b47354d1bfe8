import type { Dialect } from '../dialect/Dialect.ts';
import { type Sql, sql } from './sql.ts';

/** A facts table and the timestamp columns whose latest value moves when rows arrive or change. */
export type FingerprintPart = readonly [table: string, latest: readonly string[]];

/** The tables the analytics rollup reads, with their timestamps. */
export const ANALYTICS_FINGERPRINT_PARTS: readonly FingerprintPart[] = [
  ['purchases', ['order_date']],
  ['returns', ['returned_at']],
  ['complaints', ['opened_at', 'resolved_at']],
];

/**
 * The version of facts an engine holds itself (a Trino cluster has no data_version), as one text
 * value: each table's row count and latest timestamps. Any load that adds, removes or re-dates rows
 * moves it. One statement; what is built from the facts (the rollup, churn's order cache) is keyed
 * by it.
 */
export function factsFingerprint(d: Dialect, parts: readonly FingerprintPart[]): Sql {
  const text = (expr: Sql) => sql`coalesce(${d.cast(expr, 'varchar')}, '-')`;
  const part = ([table, latest]: FingerprintPart) =>
    sql`(SELECT ${sql.join(
      [text(sql`count(*)`), ...latest.map((column) => text(sql`max(${sql.ident(column)})`))],
      " || '/' || ",
    )} FROM ${sql.ident(table)})`;
  return sql.join(parts.map(part), " || '|' || ");
}
