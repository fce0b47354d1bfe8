import { repeatInputSchema } from '@retain/schemas';
import { repeatReport } from '@retain/workflows';
import type { TRPCRouterRecord } from '@trpc/server';
import { cachedRead, procedure } from '../trpc.ts';

export const repeatRouter = {
  /** Repeat-purchase rates overall and by cohort, with the timing distributions. */
  summary: procedure
    .input(repeatInputSchema.prefault({}))
    .query(({ ctx, input }) =>
      cachedRead(ctx, 'repeat.summary', input, () => repeatReport(ctx.warehouse, input)),
    ),
} satisfies TRPCRouterRecord;
