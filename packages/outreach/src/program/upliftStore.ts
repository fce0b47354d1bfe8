import { type UpliftEvaluation, upliftEvaluationSchema, upliftModelSchema } from '@retain/schemas';
import { type Db, dbInstant, sql } from '@retain/warehouse';
import { z } from 'zod';
import { programTablesExist } from './programTables.ts';
import type { UpliftModel } from './upliftModel.ts';

export interface StoredUplift {
  upliftId: string;
  fittedAt: string;
  /** The matured lists it was fitted on. */
  lists: string[];
  model: UpliftModel;
  evaluation: UpliftEvaluation;
}

const storedRow = z.object({
  uplift_id: z.string(),
  fitted_at: dbInstant,
  lists: z.string(),
  model: z.string(),
  evaluation: z.string(),
});

/** The newest uplift model, or null before enough lists with control groups have matured. */
export async function readActiveUplift(db: Db): Promise<StoredUplift | null> {
  if (!(await programTablesExist(db))) return null;
  const row = await db.first(
    sql`SELECT uplift_id, fitted_at, CAST(lists AS VARCHAR) AS lists,
               CAST(model AS VARCHAR) AS model, CAST(evaluation AS VARCHAR) AS evaluation
        FROM uplift_models ORDER BY fitted_at DESC, uplift_id DESC LIMIT 1`,
    storedRow,
  );
  if (!row) return null;
  return {
    upliftId: row.uplift_id,
    fittedAt: row.fitted_at,
    lists: z.array(z.string()).parse(JSON.parse(row.lists)),
    model: upliftModelSchema.parse(JSON.parse(row.model)),
    evaluation: upliftEvaluationSchema.parse(JSON.parse(row.evaluation)),
  };
}
