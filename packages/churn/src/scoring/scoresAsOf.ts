import type { DuckDBConnection } from '@retain/warehouse';

/** A score run that was in force on a day: which model scored customers, and as of when. */
export interface ScoresRun {
  modelId: string;
  /** The day the customers were scored at (YYYY-MM-DD). */
  asOf: string;
  /** The last day of the data the model was trained on. */
  trainedAsOf: string;
  /** Days ahead its churn probabilities speak of. */
  horizonDays: number;
}

export interface ScoresInForce {
  /** The scores in force on the day asked about, or null where there were none. */
  run: ScoresRun | null;
  /** Whether any ready model has scored customers at all, at any date. */
  anyScores: boolean;
}

/**
 * The churn scores that were in force on day D, using only what was known by D: among ready models
 * trained on data up to D, the newest (as `latest_scores` ranks them: by creation), with its latest
 * score run dated on or before D, provided that run still speaks of D (D is at most its model's
 * horizon after it). At the data's end this is the run `latest_scores` serves, unless that run's
 * horizon has passed. A model trained on later data, or scores of a later day, never count for D.
 */
export async function scoresInForce(conn: DuckDBConnection, asOf: string): Promise<ScoresInForce> {
  const reader = await conn.runAndReadAll(
    `SELECT r.model_id, strftime(r.as_of, '%Y-%m-%d') AS as_of,
            strftime(m.as_of, '%Y-%m-%d') AS trained_as_of, m.horizon_days,
            r.as_of + m.horizon_days >= CAST($asOf AS DATE) AS current
     FROM score_runs r JOIN models m ON m.model_id = r.model_id
     WHERE m.status = 'ready' AND m.as_of <= CAST($asOf AS DATE) AND r.as_of <= CAST($asOf AS DATE)
     ORDER BY m.created_at DESC, r.as_of DESC, r.scored_at DESC
     LIMIT 1`,
    { asOf },
  );
  const row = reader.getRowObjectsJS()[0];
  const run: ScoresRun | null =
    row && row.current === true
      ? {
          modelId: String(row.model_id),
          asOf: String(row.as_of),
          trainedAsOf: String(row.trained_as_of),
          horizonDays: Number(row.horizon_days),
        }
      : null;
  if (run) return { run, anyScores: true };
  const any = await conn.runAndReadAll(
    `SELECT count(*) > 0 AS any FROM score_runs r JOIN models m ON m.model_id = r.model_id
     WHERE m.status = 'ready'`,
  );
  return { run: null, anyScores: any.getRowObjectsJS()[0]?.any === true };
}
