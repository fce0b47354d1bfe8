import { PROCEDURE_ROLES, PUBLIC_PROCEDURES, type Role } from '@retain/schemas';

export type AccessRule = 'public' | readonly Role[];

/**
 * Who may call each procedure (PROCEDURE_ROLES in @retain/schemas, shared with the dashboard),
 * enforced server-side for every call (trpc.ts). A procedure missing here is refused to everyone.
 */
export const ACCESS: Record<string, AccessRule> = {
  ...Object.fromEntries(PUBLIC_PROCEDURES.map((p) => [p, 'public' as const])),
  ...PROCEDURE_ROLES,
};

export function ruleFor(path: string): AccessRule | undefined {
  return Object.hasOwn(ACCESS, path) ? ACCESS[path] : undefined;
}
