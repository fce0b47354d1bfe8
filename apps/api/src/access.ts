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

export type AccessRule = 'public' | readonly Role[];

export const ACCESS: Record<string, AccessRule> = {
  'auth.login': 'public',
  'auth.logout': 'public',
  'auth.me': 'public',

  'info.get': ALL,

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
