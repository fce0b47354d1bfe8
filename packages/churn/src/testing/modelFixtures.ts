import { dbText, sql, sqlString, type Warehouse } from '@retain/warehouse';
import { writeScores } from '@retain/warehouse/testing';
import { z } from 'zod';
import { migrateChurnTables } from '../churnTables.ts';

/** One customer's score in a fixture. */
export interface FixtureScore {
  customerId: string;
  churnProbability: number;
  valueAtRisk: number;
  segment?: string;
  reasons?: string[];
}

/**
 * Makes `scores` the scores in use: those of one ready model, `model-1`, trained on data to `asOf`
 * and scoring that day (see writeScores in @retain/warehouse/testing).
 */
export async function writeFixtureScores(
  warehouse: Warehouse,
  scores: readonly FixtureScore[],
  options: { asOf?: string } = {},
): Promise<void> {
  const number = (value: number) => {
    if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
    return String(value);
  };
  const rows = scores.map(
    (s) =>
      `(${sqlString(s.customerId)}, ${number(s.churnProbability)}::DOUBLE, ${number(s.valueAtRisk)}::DOUBLE, ` +
      `${sqlString(s.segment ?? 'Loyal')}, [${(s.reasons ?? []).map(sqlString).join(', ')}]::VARCHAR[])`,
  );
  await writeScores(
    warehouse,
    `SELECT * FROM (VALUES ${rows.join(', ')}) t(customer_id, churn_probability, value_at_risk, segment, reasons)`,
    options,
  );
}

/** Removes every model version and its scores: the warehouse as before the first training. */
export async function removeModels(warehouse: Warehouse): Promise<void> {
  await warehouse.transaction(async (db) => {
    await migrateChurnTables(db);
    await db.run(sql`DELETE FROM scores`);
    await db.run(sql`DELETE FROM score_runs`);
    await db.run(sql`DELETE FROM models`);
  });
}

/** Parts of a version's stored evaluation that versions saved before them lack. */
const LATER_EVALUATION_PARTS = ['curves', 'featureImportance', 'candidates', 'selection', 'origins'];

/**
 * Stores every version as versions were stored before curves, feature importance and the
 * comparison of candidates: their evaluation without those parts. Returns each version's
 * evaluation keys as stored afterwards.
 */
export async function storeAsEarlierVersions(warehouse: Warehouse): Promise<string[][]> {
  const patch = JSON.stringify(Object.fromEntries(LATER_EVALUATION_PARTS.map((part) => [part, null])));
  await warehouse.write((db) => db.run(sql`UPDATE models SET metrics = json_merge_patch(metrics, ${patch})`));
  const stored = await warehouse.query(
    sql`SELECT CAST(metrics AS VARCHAR) AS metrics FROM models`,
    z.object({ metrics: dbText }),
  );
  return stored.map((row) => Object.keys(JSON.parse(row.metrics) as Record<string, unknown>));
}
