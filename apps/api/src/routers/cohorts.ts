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
import { analyticsRead, analyticsTarget } from '../analyticsRead.ts';
import { cachedRead, procedure } from '../trpc.ts';

export const cohortsRouter = {
  /** Cohorts (by first-order period or attribute) × offset: retention, orders or revenue. */
  matrix: procedure
    .input(cohortMatrixInputSchema.prefault({}))
    .query(({ ctx, input }) =>
      analyticsRead(ctx, 'cohorts.matrix', input, (source) => cohortMatrixReport(source, input)),
    ),
  /** The same pooled over first-order periods: one curve, or one per attribute value. */
  curves: procedure
    .input(cohortCurvesInputSchema.prefault({}))
    .query(({ ctx, input }) =>
      analyticsRead(
        ctx,
        'cohorts.curves',
        input,
        (source) => cohortCurves(source, input),
        cohortCurvesSchema,
      ),
    ),
  /** Retention at one age across successive cohorts, with forecasts for cohorts not yet that old. */
  trend: procedure
    .input(trendInputSchema.prefault({}))
    .query(({ ctx, input }) =>
      analyticsRead(ctx, 'cohorts.trend', input, (source) => cohortTrendReport(source, input)),
    ),
  /**
   * The customers behind a cohort or one of its cells, paged and sorted. On a cluster each page is
   * read there (one page of customers is neither kept nor worth keeping in the local file).
   */
  customers: procedure
    .input(cohortCustomersInputSchema)
    .query(({ ctx, input }) =>
      ctx.engine
        ? cohortCustomers(analyticsTarget(ctx), input).then((page) => cohortCustomersSchema.parse(page))
        : cachedRead(
            ctx,
            'cohorts.customers',
            input,
            () => cohortCustomers(ctx.warehouse, input),
            cohortCustomersSchema,
          ),
    ),
} satisfies TRPCRouterRecord;
