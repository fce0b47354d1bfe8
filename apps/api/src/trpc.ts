import { BadInputError, QueryError } from '@retain/warehouse';
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
        query: cause instanceof QueryError ? { kind: cause.kind, position: cause.position } : undefined,
      },
    };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Maps domain errors to tRPC codes so the dashboard can show the server's message. */
const errorMapping = t.middleware(async ({ next }) => {
  const result = await next();
  const cause = result.ok ? undefined : result.error.cause;
  if (cause instanceof BadInputError || cause instanceof QueryError) {
    const code = cause instanceof QueryError && cause.kind === 'timeout' ? 'TIMEOUT' : 'BAD_REQUEST';
    throw new TRPCError({ code, message: cause.message, cause });
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
