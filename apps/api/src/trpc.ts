import { BadInputError, QueryError } from '@retain/warehouse';
import { initTRPC, TRPCError } from '@trpc/server';
import { ruleFor } from './access.ts';
import type { ApiContext, Viewer } from './context.ts';

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

/** Applies the procedure's rule from ACCESS; no rule means no access (fail closed). */
const accessControl = t.middleware(async ({ ctx, path, next }) => {
  const rule = ruleFor(path);
  if (rule === undefined) throw new TRPCError({ code: 'FORBIDDEN', message: `No access rule for ${path}.` });
  if (rule === 'public') return next();
  const viewer = ctx.viewer;
  if (!viewer) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue.' });
  if (!rule.includes(viewer.role)) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: `Your role (${viewer.role}) does not give access to ${path}.`,
    });
  }
  return next({ ctx: { ...ctx, viewer } });
});

/** Every procedure: input validation by zod, access by ACCESS, domain errors mapped to codes. */
export const procedure = t.procedure.use(errorMapping).use(accessControl);

export type { Viewer };

/**
 * Caches a read per (procedure path + input, data version). The result is checked against its zod
 * schema once, when computed, instead of on every hit: validating a large matrix per request would
 * cost more than serving it.
 */
export async function cachedRead<T>(
  ctx: ApiContext,
  key: string,
  input: unknown,
  compute: () => Promise<T>,
  schema?: { parse(value: unknown): T },
): Promise<T> {
  const dataVersion = await ctx.warehouse.dataVersion();
  const checked = schema ? async () => schema.parse(await compute()) : compute;
  return ctx.cache.get(`${key}:${JSON.stringify(input ?? null)}`, dataVersion, checked);
}
