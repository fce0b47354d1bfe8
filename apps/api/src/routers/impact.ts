import { complaintImpact } from '@retain/analytics';
import { impactInputSchema, impactSchema } from '@retain/schemas';
import type { TRPCRouterRecord } from '@trpc/server';
import { analyticsRead } from '../analyticsRead.ts';
import { procedure } from '../trpc.ts';

export const impactRouter = {
  /**
   * Fast against slow resolution of first complaints at equal activity, retention by complaint
   * experience and by returns, return rates, and the raw repeat rate of complainers.
   */
  summary: procedure
    .input(impactInputSchema.prefault({}))
    .query(({ ctx, input }) =>
      analyticsRead(ctx, 'impact.summary', input, (source) => complaintImpact(source, input), impactSchema),
    ),
} satisfies TRPCRouterRecord;
