import { z } from 'zod';

/** Who may do what: see ACCESS in apps/api for the rule of every procedure. */
export const ROLES = ['admin', 'executive', 'analyst', 'retention'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** Names, emails and phone numbers are for the people who call customers, and admins. */
export function canSeePersonalData(role: Role): boolean {
  return role === 'admin' || role === 'retention';
}

export const usernameSchema = z
  .string()
  .trim()
  .min(2)
  .max(64)
  .regex(/^[\p{L}\p{N}._@-]+$/u, 'letters, digits and . _ @ - only');

export const passwordSchema = z.string().min(10, 'at least 10 characters').max(200);
