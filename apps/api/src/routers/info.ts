import { warehouseInfo } from '@retain/warehouse';
import type { TRPCRouterRecord } from '@trpc/server';
import { cachedRead, procedure } from '../trpc.ts';

export const infoRouter = {
  /** Row counts, date ranges and data version of the warehouse, and the currency of its amounts. */
  get: procedure.query(({ ctx }) =>
    cachedRead(ctx, 'info.get', null, () => warehouseInfo(ctx.warehouse, { currency: ctx.currency })),
  ),
} satisfies TRPCRouterRecord;
