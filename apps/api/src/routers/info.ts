import { warehouseInfo } from '@retain/warehouse';
import type { TRPCRouterRecord } from '@trpc/server';
import { publicProcedure } from '../trpc.ts';

export const infoRouter = {
  /** Row counts, date ranges and data version of the warehouse. */
  get: publicProcedure.query(({ ctx }) => warehouseInfo(ctx.warehouse)),
} satisfies TRPCRouterRecord;
