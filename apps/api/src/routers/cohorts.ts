import { cohortCurves, cohortCustomers, cohortMatrix, cohortTrend } from '@retain/analytics';
import {
  cohortCurvesInputSchema,
  cohortCurvesSchema,
  cohortCustomersInputSchema,
  cohortCustomersSchema,
  cohortMatrixInputSchema,
  cohortMatrixSchema,
  trendInputSchema,
  trendSchema,
} from '@retain/schemas';
import type { TRPCRouterRecord } from '@trpc/server';
import { cachedRead, procedure } from '../trpc.ts';

export const cohortsRouter = {
  /** Cohorts (by first-order period or attribute) × offset: retention, orders or revenue. */
  matrix: procedure
    .input(cohortMatrixInputSchema.prefault({}))
    .query(({ ctx, input }) =>
      cachedRead(ctx, 'cohorts.matrix', input, () => cohortMatrix(ctx.warehouse, input), cohortMatrixSchema),
    ),
  /** The same pooled over first-order periods: one curve, or one per attribute value. */
  curves: procedure
    .input(cohortCurvesInputSchema.prefault({}))
    .query(({ ctx, input }) =>
      cachedRead(ctx, 'cohorts.curves', input, () => cohortCurves(ctx.warehouse, input), cohortCurvesSchema),
    ),
  /** Retention at one age across successive cohorts, with forecasts for cohorts not yet that old. */
  trend: procedure
    .input(trendInputSchema.prefault({}))
    .query(({ ctx, input }) =>
      cachedRead(ctx, 'cohorts.trend', input, () => cohortTrend(ctx.warehouse, input), trendSchema),
    ),
  /** The customers behind a cohort or one of its cells, paged and sorted. */
  customers: procedure
    .input(cohortCustomersInputSchema)
    .query(({ ctx, input }) =>
      cachedRead(
        ctx,
        'cohorts.customers',
        input,
        () => cohortCustomers(ctx.warehouse, input),
        cohortCustomersSchema,
      ),
    ),
} satisfies TRPCRouterRecord;
