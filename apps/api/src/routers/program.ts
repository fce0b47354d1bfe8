import { listCallLists, measureProgram, readUpliftStatus } from '@retain/outreach';
import {
  programInputSchema,
  programReportSchema,
  savedListSchema,
  upliftStatusSchema,
} from '@retain/schemas';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { cachedRead, procedure } from '../trpc.ts';

/*
 * The retention program: saved call lists and what their calls measurably changed. The same shapes
 * as `retain lists --json` and `retain program --json`. Cached per data version; saving a list
 * clears the cache.
 */
export const programRouter = {
  /** Every saved list, newest first. */
  lists: procedure
    .output(z.object({ lists: z.array(savedListSchema) }))
    .query(({ ctx }) =>
      cachedRead(ctx, 'program.lists', null, async () => ({ lists: await listCallLists(ctx.warehouse) })),
    ),

  /** Each list's (or one list's) measured effect, and the pooled effect over measured lists. */
  report: procedure
    .input(programInputSchema.prefault({}))
    .output(programReportSchema)
    .query(({ ctx, input }) =>
      cachedRead(
        ctx,
        'program.report',
        input,
        () => measureProgram(ctx.warehouse, input),
        programReportSchema,
      ),
    ),

  /** Where P(a call changes the outcome) comes from, and the uplift model's out-of-time Qini curves. */
  uplift: procedure
    .output(upliftStatusSchema)
    .query(({ ctx }) => cachedRead(ctx, 'program.uplift', null, () => readUpliftStatus(ctx.warehouse))),
} satisfies TRPCRouterRecord;
