import { appendAudit } from '@retain/access';
import { callListPage, NoScoresError, outcomesOf, recordOutcome, requireScores } from '@retain/outreach';
import {
  callListExportInputSchema,
  callListPageInputSchema,
  callListPageSchema,
  contactOutcomeSchema,
  customerIdSchema,
  recordOutcomeInputSchema,
} from '@retain/schemas';
import { saveList } from '@retain/workflows';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { callListFacts } from '../callListFacts.ts';
import { cachedRead, procedure } from '../trpc.ts';

/**
 * No scores yet is a state of the warehouse, not a mistake in the request: PRECONDITION_FAILED, in
 * the dashboard's words (the CLI words it with its own commands), so that the At risk
 * page can show the first model's training instead of an error.
 */
function noScoresYet(error: unknown): never {
  if (error instanceof NoScoresError)
    throw new TRPCError({
      code: 'PRECONDITION_FAILED',
      message: 'No churn scores yet: the list appears once a churn model has been trained on this data.',
    });
  throw error;
}

export const atRiskRouter = {
  /** A page of the call list, with the totals and how many customers each exclusion left out. */
  list: procedure
    .input(callListPageInputSchema.prefault({}))
    // Cached per data version (models and scores are cleared on a new model, outcomes below). The
    // day is part of the key: "contacted in the last D days" moves at midnight.
    .query(({ ctx, input }) => {
      const { offset, limit, ...filters } = input;
      const day = new Date().toISOString().slice(0, 10);
      return cachedRead(
        ctx,
        'atRisk.list',
        { day, input },
        async () =>
          callListPage(
            ctx.warehouse,
            filters,
            { offset, limit },
            {
              facts: await callListFacts(ctx.warehouse, ctx.engine),
            },
          ),
        callListPageSchema,
      ).catch(noScoresYet);
    }),

  /**
   * The whole list as CSV. tRPC cannot stream a file: this checks there is a list to export and
   * returns a one-time URL, valid for two minutes, from which the browser downloads it.
   */
  export: procedure.input(callListExportInputSchema.prefault({})).mutation(async ({ ctx, input }) => {
    const { bom, controlShare, horizonDays, ...filters } = input;
    await requireScores(ctx.warehouse).catch(noScoresYet);
    // Saved first, with its control group: the download holds the customers to call only.
    const username = ctx.viewer?.username ?? null;
    const list = await saveList(
      ctx.warehouse,
      filters,
      { username, via: 'api' },
      { controlShare, horizonDays },
      await callListFacts(ctx.warehouse, ctx.engine),
    );
    ctx.cache.clear(); // the Program page lists it
    return { ...ctx.downloads.issue({ filters, bom, username, listId: list.listId }), list };
  }),

  /**
   * Records what came of contacting a customer; "do not call" takes them off every later list. The
   * audit log keeps who recorded which outcome for whom (the note stays with the outcome).
   */
  recordOutcome: procedure
    .input(recordOutcomeInputSchema)
    .output(contactOutcomeSchema)
    .mutation(async ({ ctx, input }) => {
      const username = ctx.viewer?.username ?? null;
      const recorded = await recordOutcome(ctx.warehouse, { ...input, by: username });
      ctx.cache.clear(); // cached lists and panels must show the contact, and drop "do not call"
      await appendAudit(ctx.warehouse, {
        username,
        action: 'call-outcome',
        detail: {
          via: 'api',
          customerId: recorded.customerId,
          outcome: recorded.outcome,
          contactedAt: recorded.contactedAt,
        },
      });
      return recorded;
    }),

  /** A customer's recorded contacts, newest first. */
  outcomes: procedure
    .input(z.object({ customerId: customerIdSchema }))
    .output(z.array(contactOutcomeSchema))
    .query(({ ctx, input }) => outcomesOf(ctx.warehouse, input.customerId)),
} satisfies TRPCRouterRecord;
