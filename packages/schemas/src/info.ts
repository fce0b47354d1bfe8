import { z } from 'zod';
import { currencySchema } from './currency.ts';

const tableInfoSchema = z.object({
  rows: z.number().int(),
  from: z.string().nullable(),
  to: z.string().nullable(),
});

export const warehouseInfoSchema = z.object({
  database: z.string(),
  dataVersion: z.number().int(),
  lastIngestAt: z.string().nullable(),
  customers: z.object({ rows: z.number().int(), withOrders: z.number().int() }),
  purchases: tableInfoSchema.extend({ orders: z.number().int() }),
  complaints: tableInfoSchema,
  returns: tableInfoSchema,
  /** The currency amounts are in, and where that came from. */
  currency: currencySchema,
});
export type WarehouseInfo = z.infer<typeof warehouseInfoSchema>;
