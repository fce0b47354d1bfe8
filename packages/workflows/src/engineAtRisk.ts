import type { AtRiskPart, AtRiskSums, ScoresAt } from '@retain/analytics';
import { scoresInForce } from '@retain/churn';
import { sql, type Warehouse } from '@retain/warehouse';
import { z } from 'zod';

/*
 * At-risk revenue in the KPIs when the facts live on a cluster. The churn model and its scores live
 * in the local database file (`retain train/score --engine` write them there), so which scores were
 * in force is read from the file; which of the scored customers are in the KPIs' scope, and in
 * which (channel, region) part, is read from the cluster's rollup in batches of ids, and the value
 * at risk summed here: the same figure as the at-risk page's, on the same scores.
 */

/** Ids per query on the cluster (as the call list's facts are read: a statement of about 100 KB). */
export const AT_RISK_BATCH = 5_000;

const scoreRow = z.object({ customer_id: z.string(), value_at_risk: z.number().nullable() });
const memberRow = z.object({
  customer_id: z.string(),
  channel: z.string().nullable(),
  region: z.string().nullable(),
});

export interface EngineAtRisk {
  scoresAt: ScoresAt;
  atRiskSums: AtRiskSums;
}

/**
 * The KPIs' at-risk hooks for facts on an engine and scores in `local`: the run in force read from
 * the file (the connection the KPIs read on is the cluster's, and ignored), the sums as above.
 */
export function engineAtRisk(local: Warehouse, options: { batchSize?: number } = {}): EngineAtRisk {
  const batchSize = options.batchSize ?? AT_RISK_BATCH;
  return {
    scoresAt: (_conn, day) => local.read((db) => scoresInForce(db, day)),
    async atRiskSums(conn, run, scopeCustomers) {
      const scores = await local.query(
        sql`SELECT CAST(customer_id AS VARCHAR) AS customer_id, CAST(value_at_risk AS DOUBLE) AS value_at_risk
            FROM scores WHERE model_id = ${run.modelId} AND as_of = CAST(${run.asOf} AS DATE)
            ORDER BY customer_id`,
        scoreRow,
      );
      const value = new Map(scores.map((s) => [s.customer_id, s.value_at_risk]));
      const ids = [...value.keys()];
      const parts = new Map<string, AtRiskPart>();
      for (let start = 0; start < ids.length; start += batchSize) {
        const members = await conn.query(scopeCustomers(ids.slice(start, start + batchSize)), memberRow);
        for (const m of members) {
          const key = JSON.stringify([m.channel, m.region]);
          const part = parts.get(key) ?? { channel: m.channel, region: m.region, atRisk: 0 };
          part.atRisk += value.get(m.customer_id) ?? 0;
          parts.set(key, part);
        }
      }
      return [...parts.values()];
    },
  };
}
