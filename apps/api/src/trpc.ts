import path from 'node:path';
import { BadInputError, ParameterError, QueryError } from '@retain/warehouse';
import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { ruleFor } from './access.ts';
import type { ApiContext, Viewer } from './context.ts';
import { internalErrorMessage, referenceFor } from './http/serverErrors.ts';

/**
 * What a client learns of an error: its code and a message for people, the issues of a file that
 * failed to load, where a SQL statement went wrong, and for input that fails validation the message
 * of each field (`fieldErrors`, e.g. `{ capacity: ['must be at least 1: …'] }`), so that a form can
 * show it beside the field; for a setting the data cannot answer (`parameter`), its code, field and
 * value, for the page to word with its own labels. Never a stack trace (whatever NODE_ENV says),
 * and for the server's own failures not even the message, which may quote internal SQL: only a
 * reference to the line the server logged (see onError in server.ts).
 */
const t = initTRPC.context<ApiContext>().create({
  isDev: false,
  errorFormatter({ shape, error, ctx }) {
    const cause = error.cause;
    const hide = ctx ? hideUploadFolder(ctx.uploads.root) : (text: string) => text;
    return {
      code: shape.code,
      message:
        error.code === 'INTERNAL_SERVER_ERROR'
          ? internalErrorMessage(referenceFor(error))
          : hide(shape.message),
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        issues:
          cause instanceof BadInputError
            ? cause.issues.map((issue) => ({ ...issue, file: path.basename(issue.file) }))
            : undefined,
        load: cause instanceof BadInputError && !(cause instanceof ParameterError) ? cause.load : undefined,
        parameter: cause instanceof ParameterError ? cause.problem : undefined,
        query: cause instanceof QueryError ? { kind: cause.kind, position: cause.position } : undefined,
        fieldErrors: cause instanceof ZodError ? fieldErrorsOf(cause) : undefined,
      },
    };
  },
});

/** The messages of each top-level input field that failed validation. */
function fieldErrorsOf(error: ZodError): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const field = issue.path[0];
    if (typeof field !== 'string') continue; // the input as a whole: the message says it
    if (!Object.hasOwn(fields, field)) fields[field] = [];
    fields[field]?.push(issue.message);
  }
  return fields;
}

/**
 * An uploaded file is known to its uploader by the name it had; the folder the server keeps it in
 * (`<database folder>/uploads/<id>/`) is the server's business.
 */
function hideUploadFolder(root: string): (text: string) => string {
  const escaped = root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const folder = new RegExp(`${escaped}[/\\\\][0-9a-f-]{36}[/\\\\]`, 'g');
  return (text) => text.replace(folder, '');
}

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
