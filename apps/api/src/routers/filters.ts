import { filterValues } from '@retain/warehouse';
import type { TRPCRouterRecord } from '@trpc/server';
import { analyticsRead } from '../analyticsRead.ts';
import { procedure } from '../trpc.ts';

export const filtersRouter = {
  /** Channels, regions and categories to offer in the dashboard's filters. */
  values: procedure.query(({ ctx }) =>
    analyticsRead(ctx, 'filters.values', null, () => filterValues(ctx.engine?.engine.db ?? ctx.warehouse)),
  ),
} satisfies TRPCRouterRecord;
