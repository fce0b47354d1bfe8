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
  auditUser: { table: 'audit_log', column: 'username' },
  auditAction: { table: 'audit_log', column: 'action' },
} as const;

export type ValueColumn = keyof typeof SOURCES;

/** Past this many distinct values, suggestions are drawn from the most frequent. */
const MAX_KNOWN = 5000;

/**
 * Of `values`, those that no row holds in `column`; and, when there are some, the values rows do
 * hold (most frequent first, at most 5,000), to suggest from. Matching is exact, as the filters' is.
 */
export async function unknownValues(
  warehouse: Warehouse,
  column: ValueColumn,
  values: readonly string[],
): Promise<{ unknown: string[]; known: string[] }> {
  const wanted = [...new Set(values)];
  if (wanted.length === 0) return { unknown: [], known: [] };
  const { table, column: name } = SOURCES[column];
  return warehouse.read(async (conn) => {
    const params = Object.fromEntries(wanted.map((v, i) => [`v${i}`, v]));
    const found = new Set(
      (
        await conn.runAndReadAll(
          `SELECT DISTINCT ${name} FROM ${table} WHERE ${name} IN (${wanted.map((_, i) => `$v${i}`).join(', ')})`,
          params,
        )
      )
        .getRows()
        .map((row) => String(row[0])),
    );
    const unknown = wanted.filter((v) => !found.has(v));
    if (unknown.length === 0) return { unknown, known: [] };
    const known = (
      await conn.runAndReadAll(
        `SELECT ${name} FROM ${table} WHERE ${name} IS NOT NULL
         GROUP BY ${name} ORDER BY count(*) DESC, ${name} LIMIT ${MAX_KNOWN}`,
      )
    )
      .getRows()
      .map((row) => String(row[0]));
    return { unknown, known };
  });
}
