import { parseTrinoUrl } from '@retain/trino/engineUrl';
import type { Db } from '@retain/warehouse';
import { type AnalyticsEngineChoice, checkFactsTables, chosenEngine } from './analyticsEngine.ts';

/**
 * Where `train` and `score` extract the churn features: the embedded warehouse (null), or the Trino
 * cluster the choice names (--engine or RETAIN_ENGINE), whose schema holds the facts tables. There
 * the order cache and each extraction's tables are built and only the sampled rows come back; the
 * model, its files and its scores stay in the local database file. The tables and columns the
 * features read are checked first (one catalog query each for the analytics' and churn's own),
 * so that a missing one is refused by name before anything is written locally.
 */
export async function churnFeatureEngine(
  choice: AnalyticsEngineChoice,
  also?: { columns: Readonly<Record<string, readonly string[]>>; reader: string },
): Promise<Db | null> {
  const engine = chosenEngine(choice);
  if (!engine) return null;
  const target = parseTrinoUrl(engine.url, { password: choice.password });
  const { TrinoDb } = await import('@retain/trino');
  const db = new TrinoDb(target, { password: choice.password });
  await checkFactsTables(db, target);
  await checkFactsTables(db, target, CHURN_FACT_COLUMNS, 'the churn features');
  if (also) await checkFactsTables(db, target, also.columns, also.reader);
  return db;
}

/** What the churn features read beyond the analytics' columns (checkFactsTables). */
export const CHURN_FACT_COLUMNS = {
  customers: ['customer_id', 'channel', 'region'],
  purchases: ['order_id', 'customer_id', 'order_date', 'amount', 'channel'],
  complaints: ['customer_id', 'opened_at', 'resolved_at', 'severity'],
} as const satisfies Record<string, readonly string[]>;

/** What a call list reads of the facts on a cluster beyond the features' columns: how to reach people. */
export const CALL_LIST_FACT_COLUMNS = {
  customers: ['customer_id', 'name', 'email', 'phone', 'region', 'contact_consent'],
} as const satisfies Record<string, readonly string[]>;
