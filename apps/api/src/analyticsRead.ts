import { dbText, sql, type Warehouse } from '@retain/warehouse';
import type { AnalyticsTarget, OpenEngine } from '@retain/workflows';
import { EngineResultCache } from '@retain/workflows';
import type { ApiContext } from './context.ts';
import { cachedRead } from './trpc.ts';

/**
 * The Trino cluster a server reads its analytics from (`retain serve --engine`), with the results
 * cached in the local database file by the facts' version. Null: the embedded warehouse holds the
 * facts and the analytics read it.
 */
export interface ServedEngine {
  engine: OpenEngine;
  results: EngineResultCache;
}

/** The engine as a server reads it, its results kept in `local` (re-checked every `recheckSeconds`). */
export function serveEngine(local: Warehouse, engine: OpenEngine, recheckSeconds: number): ServedEngine {
  return { engine, results: new EngineResultCache(local, engine, { recheckSeconds }) };
}

/**
 * An analytics read of a procedure: on a cluster, served from the local cache of its results at the
 * facts' current version (computed there and stored on a miss); on the embedded warehouse, through
 * the in-memory cache keyed by data version. The result is checked against `schema` once, when
 * computed, so that what is stored is what the API publishes.
 */
export function analyticsRead<T>(
  ctx: ApiContext,
  key: string,
  input: unknown,
  compute: (source: AnalyticsTarget) => Promise<T>,
  schema?: { parse(value: unknown): T },
): Promise<T> {
  const checked = (source: AnalyticsTarget) =>
    schema ? compute(source).then((value) => schema.parse(value)) : compute(source);
  if (ctx.engine) return ctx.engine.results.read(`${key}:${JSON.stringify(input ?? null)}`, checked);
  return cachedRead(ctx, key, input, () => checked(ctx.warehouse));
}

/** Where a read too personal or too large to keep (a cell's customers) runs: the cluster, or the warehouse. */
export function analyticsTarget(ctx: ApiContext): AnalyticsTarget {
  return ctx.engine ? ctx.engine.engine.source : ctx.warehouse;
}

/**
 * The local file's latest churn score run (model, as-of day, when scored) as text, '' before any
 * model has scored.
 */
export async function localScoresStamp(local: Warehouse): Promise<string> {
  return local
    .scalar(
      sql`SELECT coalesce(max(model_id || '|' || CAST(as_of AS VARCHAR) || '|' || CAST(scored_at AS VARCHAR)), '')
          FROM (SELECT model_id, as_of, scored_at FROM score_runs ORDER BY scored_at DESC, as_of DESC, model_id DESC LIMIT 1)`,
      dbText,
    )
    .catch(() => ''); // no churn tables yet: nothing scored
}

/**
 * The cache key of a read that also takes the local scores (the KPIs' at-risk revenue): on a
 * cluster its results are kept by the facts' version, which new scores do not move, so the latest
 * score run is part of the key and new scores show at once. On the embedded warehouse the data
 * version already moves with them.
 */
export async function keyWithLocalScores(ctx: ApiContext, key: string): Promise<string> {
  return ctx.engine ? `${key}@${await localScoresStamp(ctx.warehouse)}` : key;
}
