import { filterValues } from '@retain/warehouse';
import type { TRPCRouterRecord } from '@trpc/server';
import { cachedRead, procedure } from '../trpc.ts';

export const filtersRouter = {
  /** Channels, regions and categories to offer in the dashboard's filters. */
  values: procedure.query(({ ctx }) =>
    cachedRead(ctx, 'filters.values', null, () => filterValues(ctx.warehouse)),
  ),
} satisfies TRPCRouterRecord;
