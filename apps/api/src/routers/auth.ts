import { appendAudit, createSession, endSession, SESSION_HOURS, verifyCredentials } from '@retain/access';
import { usernameSchema } from '@retain/schemas';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { clearedSessionCookie, sessionCookie } from '../auth/cookies.ts';
import { procedure } from '../trpc.ts';

export const authRouter = {
  /** Who is signed in, and whether sign-in is needed at all (demo mode). */
  me: procedure.query(({ ctx }) => ({ viewer: ctx.viewer, authRequired: ctx.authRequired })),

  login: procedure
    .input(z.object({ username: usernameSchema, password: z.string().min(1).max(200) }))
    .mutation(async ({ ctx, input }) => {
      const wait = ctx.loginLimiter.retryAfter(ctx.clientIp, input.username);
      if (wait > 0) {
        throw new TRPCError({
          code: 'TOO_MANY_REQUESTS',
          message: `Too many failed sign-ins; try again in ${Math.ceil(wait / 60_000)} min.`,
        });
      }
      const user = await verifyCredentials(ctx.warehouse, input.username, input.password);
      await appendAudit(ctx.warehouse, {
        username: user?.username ?? null,
        action: user ? 'login' : 'login-failed',
        detail: { username: input.username, ip: ctx.clientIp },
      });
      if (!user) {
        ctx.loginLimiter.fail(ctx.clientIp, input.username);
        throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Wrong user name or password.' });
      }
      ctx.loginLimiter.succeed(input.username);
      const session = await createSession(ctx.warehouse, user.username);
      ctx.setCookie(sessionCookie(session.token, SESSION_HOURS * 3600, ctx.secure));
      return { username: user.username, role: user.role };
    }),

  logout: procedure.mutation(async ({ ctx }) => {
    if (ctx.sessionToken) await endSession(ctx.warehouse, ctx.sessionToken);
    ctx.setCookie(clearedSessionCookie(ctx.secure));
    return { ok: true };
  }),
} satisfies TRPCRouterRecord;
