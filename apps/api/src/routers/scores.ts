import { customerScore, listScores } from '@retain/churn';
import {
  canSeePersonalData,
  customerScoreInputSchema,
  customerScoreSchema,
  scoresListInputSchema,
  scoresPageSchema,
} from '@retain/schemas';
import type { TRPCRouterRecord } from '@trpc/server';
import { cachedRead, procedure } from '../trpc.ts';

export const scoresRouter = {
  /** A page of churn scores (default: the active model's latest run), sorted and filtered. */
  list: procedure
    .input(scoresListInputSchema.prefault({}))
    .query(({ ctx, input }) =>
      cachedRead(ctx, 'scores.list', input, () => listScores(ctx.warehouse, input), scoresPageSchema),
    ),

  /** One customer: score and reasons, and their order, complaint and return history. */
  customer: procedure.input(customerScoreInputSchema).query(async ({ ctx, input }) => {
    const found = await cachedRead(
      ctx,
      'scores.customer',
      input,
      () => customerScore(ctx.warehouse, input),
      customerScoreSchema,
    );
    // Analysts see the history and the reasons, not who the person is.
    if (found.profile && !(ctx.viewer && canSeePersonalData(ctx.viewer.role))) {
      return { ...found, profile: { ...found.profile, name: null, email: null, phone: null } };
    }
    return found;
  }),
} satisfies TRPCRouterRecord;
