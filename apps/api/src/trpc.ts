import { BadInputError } from '@retain/warehouse';
import { initTRPC, TRPCError } from '@trpc/server';
import type { ApiContext } from './context.ts';

const t = initTRPC.context<ApiContext>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      data: {
        ...shape.data,
        issues: cause instanceof BadInputError ? cause.issues : undefined,
      },
    };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Maps domain errors to tRPC codes so the dashboard can show the server's message. */
const errorMapping = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof BadInputError) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: result.error.cause.message,
      cause: result.error.cause,
    });
  }
  return result;
});

export const publicProcedure = t.procedure.use(errorMapping);

/** Caches a read per (procedure path + input, data version). */
export async function cachedRead<T>(
  ctx: ApiContext,
  key: string,
  input: unknown,
  compute: () => Promise<T>,
): Promise<T> {
  const dataVersion = await ctx.warehouse.dataVersion();
  return ctx.cache.get(`${key}:${JSON.stringify(input ?? null)}`, dataVersion, compute);
}
