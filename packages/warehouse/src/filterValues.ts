import { z } from 'zod';
import type { Db } from './query/Db.ts';
import { sql } from './query/sql.ts';

/** The values the dashboard offers in its channel, region and category filters. */
export interface FilterValues {
  channels: string[];
  regions: string[];
  categories: string[];
}

/** More than this many distinct values is not a filter list any more (free text, ids). */
const MAX_VALUES = 200;

/**
 * Distinct channels, regions and categories of the order lines, most frequent first, on the
 * warehouse or on any engine that holds the purchases (a Trino cluster).
 */
export async function filterValues(source: Pick<Db, 'query'>): Promise<FilterValues> {
  const rows = await source.query(
    sql`
        WITH v AS (
          SELECT 'channel' AS kind, channel AS value, count(*) AS n FROM purchases WHERE channel IS NOT NULL GROUP BY channel
          UNION ALL
          SELECT 'region', region, count(*) FROM purchases WHERE region IS NOT NULL GROUP BY region
          UNION ALL
          SELECT 'category', category, count(*) FROM purchases WHERE category IS NOT NULL GROUP BY category
        )
        SELECT kind, value FROM (
          SELECT kind, value, n, row_number() OVER (PARTITION BY kind ORDER BY n DESC, value) AS place FROM v)
        WHERE place <= ${MAX_VALUES}
        ORDER BY kind, n DESC, value`,
    z.object({ kind: z.string(), value: z.string() }),
  );
  const pick = (kind: string) => rows.filter((r) => r.kind === kind).map((r) => r.value);
  return { channels: pick('channel'), regions: pick('region'), categories: pick('category') };
}
