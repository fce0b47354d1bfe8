import { addUser, appendAudit, listUsers, removeUser, resetPassword } from '@retain/access';
import { passwordSchema, roleSchema, usernameSchema } from '@retain/schemas';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { procedure } from '../trpc.ts';

export const usersRouter = {
  list: procedure.query(({ ctx }) => listUsers(ctx.warehouse)),

  add: procedure
    .input(z.object({ username: usernameSchema, role: roleSchema, password: passwordSchema }))
    .mutation(async ({ ctx, input }) => {
      const user = await addUser(ctx.warehouse, input.username, input.role, input.password);
      await appendAudit(ctx.warehouse, {
        username: ctx.viewer?.username ?? null,
        action: 'user-add',
        detail: { user: user.username, role: user.role },
      });
      return user;
    }),

  remove: procedure.input(z.object({ username: usernameSchema })).mutation(async ({ ctx, input }) => {
    if (input.username === ctx.viewer?.username)
      throw new TRPCError({ code: 'BAD_REQUEST', message: 'You cannot remove yourself.' });
    await removeUser(ctx.warehouse, input.username);
    await appendAudit(ctx.warehouse, {
      username: ctx.viewer?.username ?? null,
      action: 'user-remove',
      detail: { user: input.username },
    });
    return { ok: true };
  }),

  resetPassword: procedure
    .input(z.object({ username: usernameSchema, password: passwordSchema }))
    .mutation(async ({ ctx, input }) => {
      await resetPassword(ctx.warehouse, input.username, input.password);
      await appendAudit(ctx.warehouse, {
        username: ctx.viewer?.username ?? null,
        action: 'password-reset',
        detail: { user: input.username },
      });
      return { ok: true };
    }),
} satisfies TRPCRouterRecord;
