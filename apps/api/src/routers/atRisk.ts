import { callListPage, outcomesOf, recordOutcome, requireScores } from '@retain/outreach';
import {
  callListExportInputSchema,
  callListPageInputSchema,
  callListPageSchema,
  contactOutcomeSchema,
  customerIdSchema,
  recordOutcomeInputSchema,
} from '@retain/schemas';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { procedure } from '../trpc.ts';

export const atRiskRouter = {
  /** A page of the call list, with the totals and how many customers each exclusion left out. */
  list: procedure
    .input(callListPageInputSchema.prefault({}))
    .output(callListPageSchema)
    .query(({ ctx, input: { offset, limit, ...filters } }) =>
      callListPage(ctx.warehouse, filters, { offset, limit }),
    ),

  /**
   * The whole list as CSV. tRPC cannot stream a file: this checks there is a list to export and
   * returns a one-time URL, valid for two minutes, from which the browser downloads it.
   */
  export: procedure.input(callListExportInputSchema.prefault({})).mutation(async ({ ctx, input }) => {
    const { bom, ...filters } = input;
    await requireScores(ctx.warehouse);
    return ctx.downloads.issue({ filters, bom, username: ctx.viewer?.username ?? null });
  }),

  /** Records what came of contacting a customer; "do not call" takes them off every later list. */
  recordOutcome: procedure
    .input(recordOutcomeInputSchema)
    .output(contactOutcomeSchema)
    .mutation(({ ctx, input }) =>
      recordOutcome(ctx.warehouse, { ...input, by: ctx.viewer?.username ?? null }),
    ),

  /** A customer's recorded contacts, newest first. */
  outcomes: procedure
    .input(z.object({ customerId: customerIdSchema }))
    .output(z.array(contactOutcomeSchema))
    .query(({ ctx, input }) => outcomesOf(ctx.warehouse, input.customerId)),
} satisfies TRPCRouterRecord;
