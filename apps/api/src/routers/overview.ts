import { kpisInputSchema } from '@retain/schemas';
import { kpisReport } from '@retain/workflows';
import type { TRPCRouterRecord } from '@trpc/server';
import { analyticsRead, keyWithLocalScores } from '../analyticsRead.ts';
import { procedure } from '../trpc.ts';

export const overviewRouter = {
  /**
   * Executive KPIs as of a day (default: the data's end), each with the value 90 days earlier;
   * at-risk revenue from the churn scores in force on that day (on a cluster, the local file's
   * scores over the cluster's customers).
   */
  kpis: procedure
    .input(kpisInputSchema.prefault({}))
    .query(async ({ ctx, input }) =>
      analyticsRead(ctx, await keyWithLocalScores(ctx, 'overview.kpis'), input, (source) =>
        kpisReport(source, input, { scores: ctx.engine ? ctx.warehouse : null }),
      ),
    ),
} satisfies TRPCRouterRecord;
