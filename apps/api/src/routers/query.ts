import { canSeePersonalData } from '@retain/schemas';
import {
  CONSOLE_EXAMPLE,
  type ConsoleAccess,
  consoleTables,
  deleteSavedQuery,
  listSavedQueries,
  saveQuery,
} from '@retain/warehouse';
import { runAuditedQuery } from '@retain/workflows';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { type ApiContext, requesterOf } from '../context.ts';
import { procedure } from '../trpc.ts';

/** Analysts query views whose personal fields are masked; admins see them whole. */
function consoleAccess(ctx: ApiContext): ConsoleAccess {
  return ctx.viewer && canSeePersonalData(ctx.viewer.role) ? 'full' : 'masked';
}

/**
 * The console on a server whose facts live on a Trino cluster: the local file holds none of them, so
 * a statement is not run there. This is the one place to run it on the cluster instead, once the
 * console has a sandbox for Trino.
 */
function refuseOnEngine(ctx: ApiContext): void {
  if (!ctx.engine) return;
  throw new TRPCError({
    code: 'PRECONDITION_FAILED',
    message: `The SQL console does not run on ${ctx.engine.engine.name} yet: the facts are there, not in this server's database. Query the cluster with its own client meanwhile.`,
  });
}

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
      refuseOnEngine(ctx);
      return runAuditedQuery(ctx.warehouse, input.sql, {
        rowCap: input.limit,
        access: consoleAccess(ctx),
        requester: requesterOf(ctx),
      });
    }),

  /** The tables the console can query, with their columns, for the schema browser and completion. */
  schema: procedure.query(({ ctx }) => consoleTables(ctx.warehouse, consoleAccess(ctx))),

  /** The statement the console opens with, in the warehouse engine's own SQL. */
  example: procedure.query(() => ({ sql: CONSOLE_EXAMPLE })),

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
