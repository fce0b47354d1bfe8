import { retentionKpis } from '@retain/analytics';
import { kpisInputSchema, kpisSchema } from '@retain/schemas';
import type { TRPCRouterRecord } from '@trpc/server';
import { cachedRead, procedure } from '../trpc.ts';

export const overviewRouter = {
  /** Executive KPIs as of a day (default: the data's end), each with the value 90 days earlier. */
  kpis: procedure
    .input(kpisInputSchema.prefault({}))
    .query(({ ctx, input }) =>
      cachedRead(ctx, 'overview.kpis', input, () => retentionKpis(ctx.warehouse, input), kpisSchema),
    ),
} satisfies TRPCRouterRecord;
