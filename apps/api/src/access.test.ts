import { ROLES, type Role } from '@retain/schemas';
import type { Warehouse } from '@retain/warehouse';
import { openTestWarehouse, tempDir } from '@retain/warehouse/testing';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS, ruleFor } from './access.ts';
import { appRouter } from './root.ts';
import { callerFor } from './testing/callerFor.ts';

/** Every procedure of the API, by path ("cohorts.matrix"), with whether it validates an input. */
const procedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { inputs: unknown[]; type: string } }>,
).map(([path, p]) => ({ path, hasInput: p._def.inputs.length > 0, type: p._def.type }));

type AnyCaller = Record<string, Record<string, (input?: unknown) => Promise<unknown>>>;

async function call(
  warehouse: Warehouse,
  role: Role | null,
  path: string,
  input?: unknown,
): Promise<unknown> {
  const [router, name] = path.split('.') as [string, string];
  const caller = callerFor(warehouse, role) as unknown as AnyCaller;
  const fn = caller[router]?.[name];
  if (!fn) throw new Error(`no procedure ${path}`);
  return fn(input);
}

const codeOf = (error: unknown) => (error instanceof TRPCError ? error.code : 'OK');

describe('access control, procedure by procedure and role by role', () => {
  let warehouse: Warehouse;
  let cleanup: () => void;
  beforeAll(async () => {
    const tmp = tempDir('retain-access-');
    cleanup = tmp.cleanup;
    warehouse = await openTestWarehouse(tmp.dir);
  });
  afterAll(() => {
    warehouse.close();
    cleanup();
  });

  it('has a rule for every procedure, and no rule for a procedure that does not exist', () => {
    expect(procedures.length).toBeGreaterThan(10);
    for (const { path } of procedures) expect(ruleFor(path), `no access rule for ${path}`).toBeDefined();
    const known = new Set(procedures.map((p) => p.path));
    for (const path of Object.keys(ACCESS))
      expect(known.has(path), `ACCESS names ${path}, which does not exist`).toBe(true);
  });

  it.each(procedures.map((p) => [p.path, p] as const))('%s', async (_path, procedure) => {
    const rule = ruleFor(procedure.path);
    for (const role of [null, ...ROLES] as const) {
      const allowed = rule === 'public' || (role && rule?.includes(role));
      if (!allowed) {
        // Refused before any input is read or anything runs.
        const code = await call(warehouse, role, procedure.path, 12345).then(() => 'OK', codeOf);
        expect(code, `${role ?? 'anonymous'} on ${procedure.path}`).toBe(
          role === null ? 'UNAUTHORIZED' : 'FORBIDDEN',
        );
      } else if (procedure.hasInput) {
        // Let through: the call gets as far as input validation.
        const code = await call(warehouse, role, procedure.path, 12345).then(() => 'OK', codeOf);
        expect(code, `${role ?? 'anonymous'} on ${procedure.path}`).toBe('BAD_REQUEST');
      }
    }
  });
});
