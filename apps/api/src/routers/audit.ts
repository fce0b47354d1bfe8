import { listAudit } from '@retain/access';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { procedure } from '../trpc.ts';

export const auditRouter = {
  /** The audit trail, newest first; page with `beforeId`. */
  list: procedure
    .input(
      z.object({
        username: z.string().optional(),
        action: z.string().optional(),
        limit: z.number().int().min(1).max(1000).default(100),
        beforeId: z.number().int().optional(),
      }),
    )
    .query(({ ctx, input }) => listAudit(ctx.warehouse, input)),
} satisfies TRPCRouterRecord;
