import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { auditRouter } from './routers/audit.ts';
import { authRouter } from './routers/auth.ts';
import { dataRouter } from './routers/data.ts';
import { infoRouter } from './routers/info.ts';
import { queryRouter } from './routers/query.ts';
import { usersRouter } from './routers/users.ts';
import { createCallerFactory, createTRPCRouter } from './trpc.ts';

export const appRouter = createTRPCRouter({
  auth: authRouter,
  users: usersRouter,
  audit: auditRouter,
  info: infoRouter,
  data: dataRouter,
  query: queryRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export const createCaller = createCallerFactory(appRouter);
