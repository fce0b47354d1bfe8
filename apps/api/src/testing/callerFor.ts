import type { Role } from '@retain/schemas';
import type { Warehouse } from '@retain/warehouse';
import { type ApiServices, contextFor, createServices } from '../context.ts';
import { createCaller } from '../root.ts';

/** A tRPC caller acting as a signed-in user of `role` (tests of routers through createCaller). */
export function callerFor(warehouse: Warehouse, role: Role | null = 'admin', services?: ApiServices) {
  const base = services ?? createServices(warehouse, { authRequired: true });
  return createCaller(contextFor(base, role ? { username: `test-${role}`, role, demo: false } : null));
}
