import { repeatInputSchema } from '@retain/schemas';
import { repeatReport } from '@retain/workflows';
import type { TRPCRouterRecord } from '@trpc/server';
import { analyticsRead } from '../analyticsRead.ts';
import { procedure } from '../trpc.ts';

export const repeatRouter = {
  /** Repeat-purchase rates overall and by cohort, with the timing distributions. */
  summary: procedure
    .input(repeatInputSchema.prefault({}))
    .query(({ ctx, input }) =>
      analyticsRead(ctx, 'repeat.summary', input, (source) => repeatReport(source, input)),
    ),
} satisfies TRPCRouterRecord;
