import { warehouseInfo } from '@retain/warehouse';
import type { TRPCRouterRecord } from '@trpc/server';
import { procedure } from '../trpc.ts';

export const infoRouter = {
  /** Row counts, date ranges and data version of the warehouse. */
  get: procedure.query(({ ctx }) => warehouseInfo(ctx.warehouse)),
} satisfies TRPCRouterRecord;
