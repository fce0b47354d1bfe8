import { listModels, modelDetail, TrainingBusyError } from '@retain/churn';
import {
  modelDetailSchema,
  modelSummarySchema,
  trainInputSchema,
  trainingEventSchema,
} from '@retain/schemas';
import { startTraining } from '@retain/workflows';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { requesterOf } from '../context.ts';
import { procedure } from '../trpc.ts';

const jobSchema = z.object({ jobId: z.string(), startedAt: z.string() });

export const modelRouter = {
  /**
   * Starts training a model version in the background and returns its job id at once; follow it
   * with `model.progress`. A second request while one trains is refused (CONFLICT). The start is
   * written to the audit log: who asked, with what settings.
   */
  train: procedure
    .input(trainInputSchema.prefault({}))
    .output(jobSchema)
    .mutation(async ({ ctx, input }) => {
      let job: { jobId: string; startedAt: string };
      try {
        job = await startTraining(ctx.warehouse, ctx.training, input, { requester: requesterOf(ctx) });
      } catch (error) {
        if (error instanceof TrainingBusyError)
          throw new TRPCError({ code: 'CONFLICT', message: error.message });
        throw error;
      }
      const who = ctx.viewer ? `${ctx.viewer.username} (${ctx.viewer.role})` : 'nobody signed in';
      ctx.activity(
        `[train] ${job.startedAt}: ${who} from ${ctx.clientIp} started training ${job.jobId} on the dashboard`,
      );
      return { jobId: job.jobId, startedAt: job.startedAt };
    }),

  /** Progress of a training run (default: the current one, else the last): epoch, loss, hold-out AUC. */
  progress: procedure
    .input(z.object({ jobId: z.string().min(1).max(64).optional() }).prefault({}))
    .subscription(async function* ({ ctx, input, signal }) {
      const jobId = input.jobId ?? ctx.training.current?.jobId ?? ctx.training.latest?.jobId;
      if (!jobId) return;
      yield* ctx.trainingProgress.subscribe(jobId, signal);
    }),

  /** The run in progress and the latest event of the current or last run. */
  status: procedure
    .output(z.object({ running: jobSchema.nullable(), latest: trainingEventSchema.nullable() }))
    .query(({ ctx }) => {
      const current = ctx.training.current;
      return {
        running: current ? { jobId: current.jobId, startedAt: current.startedAt } : null,
        latest: ctx.training.latest,
      };
    }),

  /** Every ready model version, newest first, with its headline figures. */
  list: procedure.output(z.array(modelSummarySchema)).query(({ ctx }) => listModels(ctx.warehouse)),

  /** One version's features, set-up and metrics next to its baselines (default: the newest). */
  evaluation: procedure
    .input(z.object({ modelId: z.string().min(1).max(100).optional() }).prefault({}))
    .output(modelDetailSchema)
    .query(async ({ ctx, input }) => {
      const detail = await modelDetail(ctx.warehouse, input.modelId);
      if (!detail) {
        throw new TRPCError({
          code: 'NOT_FOUND',
          message: input.modelId ? `No ready model ${input.modelId}.` : 'No model has been trained yet.',
        });
      }
      return detail;
    }),
} satisfies TRPCRouterRecord;
