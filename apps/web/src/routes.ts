import type { QueryClient } from '@tanstack/react-query';
import type { ComponentType } from 'react';
import { overviewCohortsInput, overviewKpisInput } from './data/overviewInputs.ts';
import type { PagePath } from './data/pageAccess.ts';
import type { Api } from './trpc.ts';

/** What a route can start before its page renders: its data, fetched while its code downloads. */
export type Prefetch = (api: Api, queryClient: QueryClient, search: URLSearchParams) => void;

export interface RouteDef {
  /** Which roles can use the page is in data/pageAccess.ts. */
  path: PagePath;
  label: string;
  /** The document title and the page's heading. */
  title: string;
  load: () => Promise<{ default: ComponentType }>;
  /** Kept in the entry chunk (not the page's) so data and code download side by side. */
  prefetch?: Prefetch;
}

/** One chunk per page (code splitting): only the page being opened is downloaded. */
export const ROUTES: readonly RouteDef[] = [
  {
    path: '/',
    label: 'Overview',
    title: 'Overview',
    load: () => import('./pages/OverviewPage.tsx'),
    prefetch: (api, queryClient, search) => {
      const input = overviewKpisInput(search);
      // The latest figures give the days an as-of day may take; the page waits for them.
      if (input.asOf)
        void queryClient.prefetchQuery(api.overview.kpis.queryOptions({ filters: input.filters }));
      void queryClient.prefetchQuery(api.overview.kpis.queryOptions(input));
      void queryClient.prefetchQuery(api.cohorts.matrix.queryOptions(overviewCohortsInput(search)));
    },
  },
  { path: '/cohorts', label: 'Cohorts', title: 'Cohorts', load: () => import('./pages/CohortsPage.tsx') },
  {
    path: '/repeat',
    label: 'Repeat purchase',
    title: 'Repeat purchase',
    load: () => import('./pages/RepeatPage.tsx'),
  },
  {
    path: '/complaints',
    label: 'Complaints & returns',
    title: 'Complaints & returns',
    load: () => import('./pages/ComplaintsPage.tsx'),
  },
  {
    path: '/at-risk',
    label: 'At risk',
    title: 'At-risk customers',
    load: () => import('./pages/AtRiskPage.tsx'),
  },
  {
    path: '/program',
    label: 'Program',
    title: 'Retention program',
    load: () => import('./pages/ProgramPage.tsx'),
    prefetch: (api, queryClient) => {
      void queryClient.prefetchQuery(api.program.report.queryOptions({}));
      void queryClient.prefetchQuery(api.program.uplift.queryOptions());
    },
  },
  { path: '/model', label: 'Model', title: 'Churn model', load: () => import('./pages/ModelPage.tsx') },
  { path: '/sql', label: 'SQL', title: 'SQL', load: () => import('./pages/SqlPage.tsx') },
  { path: '/data', label: 'Data', title: 'Data', load: () => import('./pages/DataPage.tsx') },
  { path: '/users', label: 'Users', title: 'Users', load: () => import('./pages/UsersPage.tsx') },
  { path: '/audit', label: 'Audit log', title: 'Audit log', load: () => import('./pages/AuditPage.tsx') },
  { path: '/alerts', label: 'Alerts', title: 'Alerts', load: () => import('./pages/AlertsPage.tsx') },
];

export function matchRoute(pathname: string): RouteDef | undefined {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  return ROUTES.find((r) => r.path === path || (r.path === '/' && path === '/overview'));
}
