import { repeatPurchase } from '@retain/analytics';
import { repeatInputSchema, repeatSchema } from '@retain/schemas';
import type { TRPCRouterRecord } from '@trpc/server';
import { cachedRead, procedure } from '../trpc.ts';

export const repeatRouter = {
  /** Repeat-purchase rates overall and by cohort, with the timing distributions. */
  summary: procedure
    .input(repeatInputSchema.prefault({}))
    .query(({ ctx, input }) =>
      cachedRead(ctx, 'repeat.summary', input, () => repeatPurchase(ctx.warehouse, input), repeatSchema),
    ),
} satisfies TRPCRouterRecord;
