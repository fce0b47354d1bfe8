import { type Db, dbDay, dbNumber, sql } from '@retain/warehouse';
import { z } from 'zod';
import { churnTablesExist } from '../churnTables.ts';

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
export async function scoresInForce(db: Db, asOf: string): Promise<ScoresInForce> {
  if (!(await churnTablesExist(db))) return { run: null, anyScores: false };
  const day = sql`CAST(${asOf} AS DATE)`;
  const row = await db.first(
    sql`SELECT r.model_id, r.as_of, m.as_of AS trained_as_of, m.horizon_days,
               ${db.dialect.addDays(sql`r.as_of`, sql`m.horizon_days`)} >= ${day} AS current
        FROM score_runs r JOIN models m ON m.model_id = r.model_id
        WHERE m.status = 'ready' AND m.as_of <= ${day} AND r.as_of <= ${day}
        ORDER BY m.created_at DESC, r.as_of DESC, r.scored_at DESC
        LIMIT 1`,
    RUN_ROW,
  );
  const run: ScoresRun | null =
    row?.current === true
      ? {
          modelId: row.model_id,
          asOf: row.as_of,
          trainedAsOf: row.trained_as_of,
          horizonDays: row.horizon_days,
        }
      : null;
  if (run) return { run, anyScores: true };
  const any = await db.scalar(
    sql`SELECT count(*) > 0 AS any FROM score_runs r JOIN models m ON m.model_id = r.model_id
        WHERE m.status = 'ready'`,
    z.boolean(),
  );
  return { run: null, anyScores: any };
}

const RUN_ROW = z.object({
  model_id: z.string(),
  as_of: dbDay,
  trained_as_of: dbDay,
  horizon_days: dbNumber,
  current: z.boolean(),
});
