import type { Role } from '@retain/schemas';

/**
 * Who may call each procedure, enforced server-side for every call (trpc.ts). A procedure missing
 * here is refused to everyone, and a test fails until it gets a rule.
 *
 * - admin: everything.
 * - executive: aggregates and pages without personal fields (overview, cohorts, repeat, impact, model).
 * - analyst: cohorts and analytics, the model, and SQL over views with personal fields masked.
 * - retention: at-risk lists with names and phone numbers, call outcomes, scores.
 */
const ALL: readonly Role[] = ['admin', 'executive', 'analyst', 'retention'];
const ADMIN: readonly Role[] = ['admin'];
const ANALYSTS: readonly Role[] = ['admin', 'analyst'];
const CALLERS: readonly Role[] = ['admin', 'retention'];
const SCORES: readonly Role[] = ['admin', 'retention', 'analyst'];

export type AccessRule = 'public' | readonly Role[];

export const ACCESS: Record<string, AccessRule> = {
  'auth.login': 'public',
  'auth.logout': 'public',
  'auth.me': 'public',

  'info.get': ALL,
  'filters.values': ALL,

  'overview.kpis': ALL,
  'cohorts.matrix': ALL,
  'cohorts.curves': ALL,
  // The drill-down lists customer ids with order figures: no names, emails or phones.
  'cohorts.customers': ALL,
  'repeat.summary': ALL,
  'impact.summary': ALL,

  'model.list': ALL,
  'model.status': ALL,
  'model.evaluation': ALL,
  'model.progress': ALL,
  'model.train': ANALYSTS,

  // Scores carry no personal fields; scores.customer hides name, email and phone from analysts.
  'scores.list': SCORES,
  'scores.customer': SCORES,

  // Call lists: names and phone numbers, for the people who call.
  'atRisk.list': CALLERS,
  'atRisk.export': CALLERS,
  'atRisk.recordOutcome': CALLERS,
  'atRisk.outcomes': CALLERS,

  'data.inspect': ADMIN,
  'data.ingest': ADMIN,
  'data.progress': ADMIN,

  'query.run': ANALYSTS,
  'query.schema': ANALYSTS,
  'query.saved': ANALYSTS,
  'query.save': ANALYSTS,
  'query.remove': ANALYSTS,

  'users.list': ADMIN,
  'users.add': ADMIN,
  'users.remove': ADMIN,
  'users.resetPassword': ADMIN,

  'audit.list': ADMIN,
};

export function ruleFor(path: string): AccessRule | undefined {
  return Object.hasOwn(ACCESS, path) ? ACCESS[path] : undefined;
}
