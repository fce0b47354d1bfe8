import { DEFAULT_CURRENCY } from '@retain/schemas';
import { type Db, type SqlType, sql, storedCurrency, type Warehouse } from '@retain/warehouse';
import { migrateChurnTables } from '../churnTables.ts';
import { MAX_REASONS } from '../explain/occlusion.ts';
import { currencySymbol, reasonPhrases } from '../explain/reasons.ts';
import type { FeatureTable } from '../features/featureTable.ts';
import { insertModel, type ModelRecord } from '../registry.ts';
import type { ScoreChunk } from '../worker/scoreJob.ts';
import { rfmScores, SEGMENTS } from './segments.ts';
import { expectedRevenue12m, valueAtRisk } from './valueAtRisk.ts';

export interface ScoresToWrite {
  modelId: string;
  asOf: string;
  /** The scored rows (ids and the raw values the reasons are phrased from). */
  table: FeatureTable;
  /** Produces the scores chunk by chunk (the worker's score job) and reports the backend that ran. */
  score: (onChunk: (chunk: ScoreChunk) => void) => Promise<{ backend: string }>;
  /** A new model version, registered in the same transaction as its first scores. */
  register?: () => ModelRecord;
  /** Called just before the transaction (tests: a failure there must leave everything as it was). */
  beforeCommit?: () => void | Promise<void>;
  /** The currency amounts in reasons are written in (a setting); default: the data's, else USD. */
  currency?: string | undefined;
}

const STAGING = 'churn_scores_staging';
/** The staged scores, in the order the appender writes them; reasons, codes and impacts packed. */
const STAGING_COLUMNS: ReadonlyArray<readonly [string, SqlType]> = [
  ['customer_id', 'varchar'],
  ['churn_probability', 'double'],
  ['expected_revenue_12m', 'double'],
  ['value_at_risk', 'double'],
  ['segment', 'varchar'],
  ['rfm', 'varchar'],
  ['reasons', 'varchar'],
  ['codes', 'varchar'],
  ['impacts', 'varchar'],
];
/** ASCII unit separator: never part of a phrase. */
const SEPARATOR = '\u001f';

/**
 * Writes one score per customer for (model, as-of), replacing an earlier run for the same pair. Each
 * chunk from the worker is appended to a temporary table as it arrives (the next one is computed
 * meanwhile); the scores, the score run and, for a new version, its registry row then go in together
 * in one transaction, so `latest_scores` switches from the previous model to the new one in a single
 * step, or not at all.
 */
export async function writeScores(
  warehouse: Warehouse,
  input: ScoresToWrite,
): Promise<{ rows: number; backend: string }> {
  const { table } = input;
  return warehouse.write(async (db) => {
    await db.run(db.dialect.createTable(STAGING, STAGING_COLUMNS, { temporary: true, replace: true }));
    try {
      const currency = input.currency ?? (await storedCurrency(db)) ?? DEFAULT_CURRENCY;
      const context = {
        raw: table.raw,
        channel: table.channel,
        region: table.region,
        currencySymbol: currencySymbol(currency),
      };
      const appender = await db.appender(STAGING, { temporary: true });
      let appended = 0;
      let backend: string;
      const facts = { rfm: rfmScores(new Float64Array(0), [], []), revenue: new Float64Array(0) };
      try {
        const scoring = input.score((chunk) => {
          const { rfm, revenue } = facts;
          for (let k = 0; k < chunk.probability.length; k++) {
            const i = chunk.start + k;
            const p = chunk.probability[k] ?? 0;
            appender.text(table.customerId[i] ?? '');
            appender.double(p);
            appender.double(revenue[i] ?? 0);
            appender.double(valueAtRisk(p, revenue[i] ?? 0));
            appender.text(SEGMENTS[rfm.segment[i] ?? 0] ?? 'Lost');
            appender.text(`${rfm.r[i] ?? 1}${rfm.f[i] ?? 1}${rfm.m[i] ?? 1}`);
            // Up to three reasons, codes and impacts travel packed in one string each (a third of the
            // appender calls); SQL splits them below.
            const { phrases, groups } = reasonPhrases(chunk.codes, k * MAX_REASONS, MAX_REASONS, context, i);
            appender.text(phrases.join(SEPARATOR));
            appender.text(groups.join(SEPARATOR));
            let impacts = '';
            for (let r = 0; r < groups.length; r++) {
              impacts += `${r > 0 ? SEPARATOR : ''}${(chunk.impacts[k * MAX_REASONS + r] ?? 0).toFixed(4)}`;
            }
            appender.text(impacts);
            appender.endRow();
          }
          appended += chunk.probability.length;
        });
        // What needs no model is computed while the worker scores the first chunk: chunks are only
        // handled once this thread yields, after these lines.
        facts.rfm = rfmScores(table.raw.recency_days, table.raw.frequency, table.raw.monetary_total);
        facts.revenue = new Float64Array(table.rows);
        for (let i = 0; i < table.rows; i++) {
          facts.revenue[i] = expectedRevenue12m(table.raw.revenue_365[i] ?? 0, table.raw.tenure_days[i] ?? 0);
        }
        ({ backend } = await scoring);
      } finally {
        appender.close();
      }
      if (appended !== table.rows) throw new Error(`scored ${appended} of ${table.rows} customers`);
      await input.beforeCommit?.();
      await db.transaction(async (tx) => {
        // The churn tables come with the first scores written to a database.
        await migrateChurnTables(tx);
        await replaceScores(tx, input, table.rows, backend);
      });
      return { rows: table.rows, backend };
    } finally {
      await db.run(sql`DROP TABLE IF EXISTS ${sql.ident(STAGING)}`);
    }
  });
}

/** The staged scores in place of the run's earlier ones, with the run and, for a new version, its model. */
async function replaceScores(
  db: Db,
  input: ScoresToWrite,
  customers: number,
  backend: string,
): Promise<void> {
  const { modelId, asOf } = input;
  const day = sql`CAST(${asOf} AS DATE)`;
  const list = (column: string, type: 'varchar' | 'double') =>
    db.dialect.splitToList(sql.ident(column), sql`${SEPARATOR}`, type);
  if (input.register) await insertModel(db, input.register());
  await db.run(sql`DELETE FROM scores WHERE model_id = ${modelId} AND as_of = ${day}`);
  await db.run(sql`DELETE FROM score_runs WHERE model_id = ${modelId} AND as_of = ${day}`);
  await db.run(
    sql`INSERT INTO scores
        SELECT ${modelId}, ${day}, customer_id, churn_probability, expected_revenue_12m, value_at_risk,
          segment, rfm, ${list('reasons', 'varchar')}, ${list('codes', 'varchar')}, ${list('impacts', 'double')}
        FROM ${sql.ident(STAGING)}`,
  );
  await db.run(
    sql`INSERT INTO score_runs VALUES (${modelId}, ${day}, CAST(now() AS TIMESTAMP), ${customers}, ${backend})`,
  );
}
