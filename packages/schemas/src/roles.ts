/*
 * Roles as plain constants, kept apart from the zod schemas (access.ts) so the dashboard can import
 * them without bundling zod. Who may call what is ACCESS in apps/api.
 */

/** Who may do what: see ACCESS in apps/api for the rule of every procedure. */
export const ROLES = ['admin', 'executive', 'analyst', 'retention'] as const;
export type Role = (typeof ROLES)[number];

/** Names, emails and phone numbers are for the people who call customers, and admins. */
export function canSeePersonalData(role: Role): boolean {
  return role === 'admin' || role === 'retention';
}
