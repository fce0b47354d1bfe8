import { canSeePersonalData } from '@retain/schemas';
import {
  CONSOLE_EXAMPLE,
  type ConsoleAccess,
  consoleTables,
  deleteSavedQuery,
  listSavedQueries,
  saveQuery,
} from '@retain/warehouse';
import { engineConsoleTables, runAuditedQuery, runEngineQuery } from '@retain/workflows';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { type ApiContext, requesterOf } from '../context.ts';
import { procedure } from '../trpc.ts';

/** Analysts query views whose personal fields are masked; admins see them whole. */
function consoleAccess(ctx: ApiContext): ConsoleAccess {
  return ctx.viewer && canSeePersonalData(ctx.viewer.role) ? 'full' : 'masked';
}

/**
 * The statement the console opens with on a Trino cluster: the warehouse's example in the SQL both
 * engines share (Trino has no GROUP BY ALL).
 */
const ENGINE_CONSOLE_EXAMPLE = `SELECT date_trunc('month', order_date) AS month,
       count(DISTINCT customer_id) AS customers,
       sum(amount) AS revenue
FROM purchases
GROUP BY 1
ORDER BY month`;

export const queryRouter = {
  /** One read-only statement of SQL; at most `limit` rows come back, `truncated` says if there were more. */
  run: procedure
    .input(
      z.object({
        sql: z.string().min(1).max(100_000),
        limit: z.number().int().min(1).max(10_000).default(1_000),
      }),
    )
    .mutation(({ ctx, input }) => {
      const options = { rowCap: input.limit, access: consoleAccess(ctx), requester: requesterOf(ctx) };
      // On a cluster the statement runs there, after the sandbox for Trino has checked its plan.
      if (ctx.engine) return runEngineQuery(ctx.warehouse, ctx.engine.engine.db, input.sql, options);
      return runAuditedQuery(ctx.warehouse, input.sql, options);
    }),

  /** The tables the console can query, with their columns, for the schema browser and completion. */
  schema: procedure.query(({ ctx }) =>
    ctx.engine
      ? engineConsoleTables(ctx.engine.engine.db, consoleAccess(ctx))
      : consoleTables(ctx.warehouse, consoleAccess(ctx)),
  ),

  /** The statement the console opens with, in the warehouse engine's own SQL. */
  example: procedure.query(({ ctx }) => ({ sql: ctx.engine ? ENGINE_CONSOLE_EXAMPLE : CONSOLE_EXAMPLE })),

  /** Queries saved from the console, stored in the warehouse. */
  saved: procedure.query(({ ctx }) => listSavedQueries(ctx.warehouse)),

  save: procedure
    .input(
      z.object({
        queryId: z.string().uuid().optional(),
        name: z.string().trim().min(1).max(200),
        sql: z.string().min(1).max(100_000),
        chart: z.unknown().optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      saveQuery(ctx.warehouse, { ...input, createdBy: ctx.viewer?.username ?? null }),
    ),

  remove: procedure
    .input(z.object({ queryId: z.string().uuid() }))
    .mutation(({ ctx, input }) => deleteSavedQuery(ctx.warehouse, input.queryId)),
} satisfies TRPCRouterRecord;
