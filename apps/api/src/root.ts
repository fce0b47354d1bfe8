import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { cohortsRouter } from './routers/cohorts.ts';
import { dataRouter } from './routers/data.ts';
import { filtersRouter } from './routers/filters.ts';
import { impactRouter } from './routers/impact.ts';
import { infoRouter } from './routers/info.ts';
import { overviewRouter } from './routers/overview.ts';
import { queryRouter } from './routers/query.ts';
import { repeatRouter } from './routers/repeat.ts';
import { createCallerFactory, createTRPCRouter } from './trpc.ts';

export const appRouter = createTRPCRouter({
  info: infoRouter,
  overview: overviewRouter,
  cohorts: cohortsRouter,
  repeat: repeatRouter,
  impact: impactRouter,
  data: dataRouter,
  query: queryRouter,
  filters: filtersRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export const createCaller = createCallerFactory(appRouter);
