import { PROCEDURE_ROLES, type Procedure, PUBLIC_PROCEDURES, type Role } from '@retain/schemas';

/*
 * Which pages each role can use. The server decides every call; the dashboard reads the same rules
 * (PROCEDURE_ROLES in @retain/schemas) so that it shows only the pages and actions a viewer's role
 * can use, instead of errors. pageAccess.test.ts checks each page's list against the procedures
 * the page's code calls.
 */
export { PROCEDURE_ROLES, type Procedure, PUBLIC_PROCEDURES };

export const PAGE_PATHS = [
  '/',
  '/cohorts',
  '/repeat',
  '/complaints',
  '/at-risk',
  '/program',
  '/model',
  '/sql',
  '/data',
  '/users',
  '/audit',
  '/alerts',
] as const;
export type PagePath = (typeof PAGE_PATHS)[number];

export interface PageProcedures {
  /** What the page cannot work without: a role missing any of these does not get the page. */
  needs: readonly Procedure[];
  /** Actions the page hides from roles that may not use them (e.g. "Train now"). */
  optional?: readonly Procedure[];
}

/** The procedures each page calls, its components included. */
export const PAGE_PROCEDURES: Record<PagePath, PageProcedures> = {
  '/': { needs: ['overview.kpis', 'cohorts.matrix', 'cohorts.trend', 'filters.values'] },
  '/cohorts': {
    needs: ['cohorts.matrix', 'cohorts.curves', 'cohorts.customers', 'cohorts.trend', 'filters.values'],
  },
  '/repeat': { needs: ['repeat.summary', 'filters.values'] },
  '/complaints': { needs: ['impact.summary', 'filters.values'] },
  '/at-risk': {
    needs: [
      'atRisk.list',
      'atRisk.outcomes',
      'scores.customer',
      'filters.values',
      'model.status',
      'info.get',
    ],
    optional: ['atRisk.export', 'atRisk.recordOutcome', 'model.train'],
  },
  '/program': { needs: ['program.report', 'program.uplift'] },
  '/model': {
    needs: ['model.list', 'model.evaluation', 'model.status', 'model.progress'],
    optional: ['model.train'],
  },
  '/sql': {
    needs: ['query.run', 'query.schema', 'query.example', 'query.saved', 'query.save', 'query.remove'],
  },
  '/data': { needs: ['info.get', 'data.inspect', 'data.ingest', 'data.progress'] },
  '/users': { needs: ['users.list', 'users.add', 'users.remove', 'users.resetPassword'] },
  '/audit': { needs: ['audit.list', 'users.list'] },
  '/alerts': {
    needs: [
      'alerts.rules',
      'alerts.preview',
      'alerts.add',
      'alerts.remove',
      'alerts.history',
      'alerts.unread',
      'alerts.markRead',
      'alerts.reportFormats',
      'alerts.report',
      'filters.values',
    ],
    optional: [
      'alerts.check',
      'alerts.failedDeliveries',
      'alerts.resend',
      'alerts.settings',
      'alerts.updateSettings',
      'alerts.rotateSecret',
    ],
  },
};

export function canCall(role: Role, procedure: Procedure): boolean {
  return (PROCEDURE_ROLES[procedure] as readonly Role[]).includes(role);
}

export function canUsePage(role: Role, path: PagePath): boolean {
  return PAGE_PROCEDURES[path].needs.every((p) => canCall(role, p));
}

/** The pages a role can use, in navigation order. */
export function pagesFor(role: Role): PagePath[] {
  return PAGE_PATHS.filter((path) => canUsePage(role, path));
}
