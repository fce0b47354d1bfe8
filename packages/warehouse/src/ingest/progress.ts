import type { DuckDBConnection } from '@duckdb/node-api';

const POLL_MS = 250;

/**
 * Runs a statement while reporting DuckDB's own progress estimate for it. Returns the number of
 * rows the statement changed (INSERT/UPDATE/CREATE … AS).
 */
export async function trackProgress(
  conn: DuckDBConnection,
  sql: string,
  onPercent: (percent: number | null) => void,
): Promise<number> {
  const timer = setInterval(() => {
    const { percentage } = conn.progress;
    onPercent(percentage >= 0 ? percentage : null);
  }, POLL_MS);
  try {
    const result = await conn.run(sql);
    return Number(result.rowsChanged);
  } finally {
    clearInterval(timer);
    onPercent(100);
  }
}
