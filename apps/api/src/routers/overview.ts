import { kpisInputSchema } from '@retain/schemas';
import { kpisReport } from '@retain/workflows';
import type { TRPCRouterRecord } from '@trpc/server';
import { analyticsRead } from '../analyticsRead.ts';
import { procedure } from '../trpc.ts';

export const overviewRouter = {
  /**
   * Executive KPIs as of a day (default: the data's end), each with the value 90 days earlier;
   * at-risk revenue from the churn scores in force on that day.
   */
  kpis: procedure
    .input(kpisInputSchema.prefault({}))
    .query(({ ctx, input }) =>
      analyticsRead(ctx, 'overview.kpis', input, (source) => kpisReport(source, input)),
    ),
} satisfies TRPCRouterRecord;
