import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { alertsRouter } from './routers/alerts.ts';
import { atRiskRouter } from './routers/atRisk.ts';
import { auditRouter } from './routers/audit.ts';
import { authRouter } from './routers/auth.ts';
import { cohortsRouter } from './routers/cohorts.ts';
import { dataRouter } from './routers/data.ts';
import { filtersRouter } from './routers/filters.ts';
import { impactRouter } from './routers/impact.ts';
import { infoRouter } from './routers/info.ts';
import { modelRouter } from './routers/model.ts';
import { overviewRouter } from './routers/overview.ts';
import { programRouter } from './routers/program.ts';
import { queryRouter } from './routers/query.ts';
import { repeatRouter } from './routers/repeat.ts';
import { scoresRouter } from './routers/scores.ts';
import { usersRouter } from './routers/users.ts';
import { createCallerFactory, createTRPCRouter } from './trpc.ts';

export const appRouter = createTRPCRouter({
  auth: authRouter,
  users: usersRouter,
  audit: auditRouter,
  info: infoRouter,
  overview: overviewRouter,
  cohorts: cohortsRouter,
  repeat: repeatRouter,
  impact: impactRouter,
  data: dataRouter,
  query: queryRouter,
  filters: filtersRouter,
  atRisk: atRiskRouter,
  program: programRouter,
  model: modelRouter,
  scores: scoresRouter,
  alerts: alertsRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export const createCaller = createCallerFactory(appRouter);
