import { customerScore, listScores } from '@retain/churn';
import {
  customerScoreInputSchema,
  customerScoreSchema,
  scoresListInputSchema,
  scoresPageSchema,
} from '@retain/schemas';
import type { TRPCRouterRecord } from '@trpc/server';
import { publicProcedure } from '../trpc.ts';

export const scoresRouter = {
  /** A page of churn scores (default: the active model's latest run), sorted and filtered. */
  list: publicProcedure
    .input(scoresListInputSchema.prefault({}))
    .output(scoresPageSchema)
    .query(({ ctx, input }) => listScores(ctx.warehouse, input)),

  /** One customer: score and reasons, and their order, complaint and return history. */
  customer: publicProcedure
    .input(customerScoreInputSchema)
    .output(customerScoreSchema)
    .query(({ ctx, input }) => customerScore(ctx.warehouse, input)),
} satisfies TRPCRouterRecord;
