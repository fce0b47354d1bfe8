import { cohortCurves, cohortCustomers } from '@retain/analytics';
import {
  cohortCurvesInputSchema,
  cohortCurvesSchema,
  cohortCustomersInputSchema,
  cohortCustomersSchema,
  cohortMatrixInputSchema,
  trendInputSchema,
} from '@retain/schemas';
import { cohortMatrixReport, cohortTrendReport } from '@retain/workflows';
import type { TRPCRouterRecord } from '@trpc/server';
import { cachedRead, procedure } from '../trpc.ts';

export const cohortsRouter = {
  /** Cohorts (by first-order period or attribute) × offset: retention, orders or revenue. */
  matrix: procedure
    .input(cohortMatrixInputSchema.prefault({}))
    .query(({ ctx, input }) =>
      cachedRead(ctx, 'cohorts.matrix', input, () => cohortMatrixReport(ctx.warehouse, input)),
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
      cachedRead(ctx, 'cohorts.trend', input, () => cohortTrendReport(ctx.warehouse, input)),
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
