import { z } from 'zod';
import type { Db } from './query/Db.ts';
import { sql } from './query/sql.ts';
import type { Warehouse } from './Warehouse.ts';

/*
 * Values a filter can match. A filter value that no row holds (a typo, the wrong case) would
 * silently match nothing; callers check the values they were given against these first.
 */

/** Columns that filters match values of; each names a fixed table and column, never user input. */
const SOURCES = {
  /** The analytics filters: any order line's channel, region or category. */
  channel: { table: 'purchases', column: 'channel' },
  region: { table: 'purchases', column: 'region' },
  category: { table: 'purchases', column: 'category' },
  /** The call list's region: the customer's own. */
  customerRegion: { table: 'customers', column: 'region' },
  /** RFM segments the churn model has given. */
  scoreSegment: { table: 'scores', column: 'segment' },
  /** The audit log's users and actions (@retain/access's table). */
  auditUser: { table: 'audit_log', column: 'username' },
  auditAction: { table: 'audit_log', column: 'action' },
} as const;

export type ValueColumn = keyof typeof SOURCES;

/** Past this many distinct values, suggestions are drawn from the most frequent. */
const MAX_KNOWN = 5000;

/** Where values are looked up: the warehouse, or any engine holding the table (a Trino cluster). */
export type ValueSource = Warehouse | Pick<Db, 'dialect' | 'query' | 'scalar'>;

/**
 * Of `values`, those that no row holds in `column`; and, when there are some, the values rows do
 * hold (most frequent first, at most 5,000), to suggest from. Matching is exact, as the filters' is.
 */
export async function unknownValues(
  source: ValueSource,
  column: ValueColumn,
  values: readonly string[],
): Promise<{ unknown: string[]; known: string[] }> {
  const wanted = [...new Set(values)];
  if (wanted.length === 0) return { unknown: [], known: [] };
  const { table, column: name } = SOURCES[column];
  const [t, c] = [sql.ident(table), sql.ident(name)];
  const value = z.object({ value: z.string() });
  const read = <T>(task: (db: Pick<Db, 'dialect' | 'query' | 'scalar'>) => Promise<T>) =>
    'read' in source ? source.read(task) : task(source);
  return read(async (db) => {
    // A package's table that was never created (no model has scored yet, no one was audited on a
    // read-only open of a new database) holds no value.
    if (!(await db.scalar(db.dialect.tableExists(table), z.boolean()))) return { unknown: wanted, known: [] };
    const found = new Set(
      (
        await db.query(
          sql`SELECT DISTINCT ${c} AS value FROM ${t} WHERE ${c} IN (${sql.join(wanted.map((v) => sql`${v}`))})`,
          value,
        )
      ).map((row) => row.value),
    );
    const unknown = wanted.filter((v) => !found.has(v));
    if (unknown.length === 0) return { unknown, known: [] };
    const known = (
      await db.query(
        sql`SELECT ${c} AS value FROM ${t} WHERE ${c} IS NOT NULL
            GROUP BY ${c} ORDER BY count(*) DESC, ${c} LIMIT ${MAX_KNOWN}`,
        value,
      )
    ).map((row) => row.value);
    return { unknown, known };
  });
}
