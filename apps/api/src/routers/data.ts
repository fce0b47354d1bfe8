import { currencyCodeSchema, DECIMAL_SEPARATORS, SECTIONS, THOUSANDS_SEPARATORS } from '@retain/schemas';
import { inspectSource, type SectionRequest } from '@retain/warehouse';
import { loadFiles } from '@retain/workflows';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { type ApiContext, requesterOf } from '../context.ts';
import { procedure } from '../trpc.ts';
import { warmAnalytics } from '../warmAnalytics.ts';

const uploadId = z.string().uuid();

const fileToLoad = z.object({
  uploadId,
  section: z.enum(SECTIONS),
  columns: z.record(z.string(), z.string().min(1)),
  dateFormat: z.string().min(1).nullish(),
  decimalSeparator: z.enum(DECIMAL_SEPARATORS).optional(),
  thousandsSeparator: z.enum(THOUSANDS_SEPARATORS).nullish(),
  negativeLinesAreReturns: z.boolean().optional(),
  skipRowsWithoutCustomer: z.boolean().optional(),
});

/**
 * On a Trino cluster the facts are the cluster's tables, mapped there, and nothing is loaded into
 * the local file: the Data page's upload and load are refused, saying where the data lives.
 */
export function refuseLoadOnEngine(ctx: Pick<ApiContext, 'engine'>): void {
  if (!ctx.engine) return;
  throw new TRPCError({ code: 'PRECONDITION_FAILED', message: engineLoadRefusal(ctx.engine.engine.name) });
}

/** Why files are not loaded on a server whose facts live on a cluster (the API's and the upload's answer). */
export function engineLoadRefusal(engine: string): string {
  return `The data lives on ${engine}: files are not loaded into it from the dashboard. Map the cluster's tables with \`retain ingest --engine … --mapping\`.`;
}

export const dataRouter = {
  /** Headers, first rows and a proposed mapping of an uploaded file. */
  inspect: procedure.input(z.object({ uploadId })).query(({ ctx, input }) => {
    refuseLoadOnEngine(ctx);
    const stored = ctx.uploads.file(input.uploadId);
    if (!stored)
      throw new TRPCError({ code: 'NOT_FOUND', message: 'That upload is gone; upload the file again.' });
    return inspectSource(ctx.warehouse, stored.path, stored.name);
  }),

  /** Loads uploaded files with the mapping the user confirmed; all or nothing, like `retain ingest`. */
  ingest: procedure
    .input(
      z.object({
        jobId: z.string().min(8).max(64),
        files: z.array(fileToLoad).min(1).max(8),
        /** The currency of the amounts (ISO 4217), stored with the data; omitted: unchanged. */
        currency: currencyCodeSchema.optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      refuseLoadOnEngine(ctx);
      const requests: SectionRequest[] = input.files.map((f) => {
        const stored = ctx.uploads.file(f.uploadId);
        if (!stored)
          throw new TRPCError({ code: 'NOT_FOUND', message: 'An upload is gone; upload the file again.' });
        // Messages, problems and the summary name the file as its uploader knows it.
        return {
          section: f.section,
          file: stored.path,
          name: stored.name,
          columns: f.columns,
          dateFormat: f.dateFormat ?? undefined,
          decimalSeparator: f.decimalSeparator,
          thousandsSeparator: f.thousandsSeparator ?? undefined,
          negativeLinesAreReturns: f.negativeLinesAreReturns,
          skipRowsWithoutCustomer: f.skipRowsWithoutCustomer,
          currency: input.currency,
        };
      });
      try {
        const summary = await loadFiles(ctx.warehouse, requests, {
          requester: requesterOf(ctx),
          onProgress: (p) => ctx.loads.publish(input.jobId, p),
        });
        ctx.loads.publish(input.jobId, { section: null, step: 'done', percent: 100 }, true);
        for (const f of input.files) ctx.uploads.remove(f.uploadId);
        warmAnalytics(ctx.warehouse);
        return summary;
      } catch (error) {
        ctx.loads.publish(input.jobId, { section: null, step: 'failed', percent: 100 }, true);
        throw error;
      }
    }),

  /** Live progress of a load started with `ingest` (same jobId). */
  progress: procedure.input(z.object({ jobId: z.string().min(8).max(64) })).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    yield* ctx.loads.subscribe(input.jobId, signal);
  }),
} satisfies TRPCRouterRecord;
