import { type StagedFacts, stageEngineFacts } from '@retain/outreach';
import { sql, type Warehouse } from '@retain/warehouse';
import { z } from 'zod';
import type { ServedEngine } from './analyticsRead.ts';

/** How long facts replaced by newer ones stay attached, for the reads still using them. */
const RELEASE_AFTER_MS = 120_000;

interface Staging {
  key: string;
  facts: Promise<StagedFacts>;
}

const staged = new WeakMap<ServedEngine, Staging>();

/**
 * The call list's facts on a server whose facts are on a cluster (`retain serve --engine`): those
 * of every scored customer, read from the cluster once (stageEngineFacts) and kept while the
 * latest scores and the cluster's data version are unchanged; null without a cluster.
 */
export async function callListFacts(
  warehouse: Warehouse,
  engine: ServedEngine | null,
): Promise<StagedFacts | null> {
  if (!engine) return null;
  const scores = await warehouse
    .scalar(
      sql`SELECT CAST(count(*) AS VARCHAR) || '|' || coalesce(CAST(max(as_of) AS VARCHAR), '') FROM latest_scores`,
      z.string(),
    )
    .catch(() => ''); // no scores yet: the list says so itself
  // The facts' version as the server last read it (re-read at most every RETAIN_ENGINE_RECHECK_SECONDS).
  const key = `${scores}|${(await engine.results.version()).version}`;
  const current = staged.get(engine);
  if (current?.key === key) return current.facts;
  const facts = stageEngineFacts(warehouse, engine.engine.db);
  staged.set(engine, { key, facts });
  facts.catch(() => {
    if (staged.get(engine)?.facts === facts) staged.delete(engine);
  });
  if (current) {
    const old = current.facts;
    setTimeout(() => void old.then((f) => f.release()).catch(() => undefined), RELEASE_AFTER_MS).unref();
  }
  return facts;
}
