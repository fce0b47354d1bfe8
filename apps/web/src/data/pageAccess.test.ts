import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACCESS } from '@retain/api/access';
import { ROLES } from '@retain/schemas';
import { describe, expect, it } from 'vitest';
import {
  PAGE_PATHS,
  PAGE_PROCEDURES,
  type PagePath,
  PROCEDURE_ROLES,
  PUBLIC_PROCEDURES,
  pagesFor,
} from './pageAccess.ts';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Each route's page module, read from routes.ts (`path: '/x'` … `import('./pages/X.tsx')`). */
function pageFiles(): Map<string, string> {
  const routes = fs.readFileSync(path.join(SRC, 'routes.ts'), 'utf8');
  const files = new Map<string, string>();
  for (const m of routes.matchAll(/path: '([^']+)'[\s\S]*?import\('\.\/(pages\/\w+\.tsx)'\)/g))
    if (m[1] && m[2]) files.set(m[1], path.join(SRC, m[2]));
  return files;
}

/** The `trpc.x.y` procedures a module and every module it imports from src/ call. */
function proceduresCalledFrom(entry: string): Set<string> {
  const seen = new Set<string>();
  const called = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !fs.existsSync(file)) return;
    seen.add(file);
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\btrpc\.(\w+)\.(\w+)\b/g)) called.add(`${m[1]}.${m[2]}`);
    // Static imports only: a dynamic import() is another page's chunk (routes.ts), not this page.
    for (const m of text.matchAll(/from '(\.\.?\/[^']+\.tsx?)'/g))
      if (m[1]) visit(path.resolve(path.dirname(file), m[1]));
  };
  visit(entry);
  return called;
}

describe('page access', () => {
  it('mirrors the server’s rule for every procedure the dashboard calls', () => {
    for (const [procedure, roles] of Object.entries(PROCEDURE_ROLES)) {
      const rule = ACCESS[procedure];
      expect(rule, procedure).toBeInstanceOf(Array);
      expect([...(rule as readonly string[])].sort(), procedure).toEqual([...roles].sort());
    }
    for (const procedure of PUBLIC_PROCEDURES) expect(ACCESS[procedure], procedure).toBe('public');
  });

  it('lists, for each page, exactly the procedures its code calls', () => {
    const files = pageFiles();
    expect([...files.keys()].sort()).toEqual([...PAGE_PATHS].sort());
    for (const [route, file] of files) {
      const called = [...proceduresCalledFrom(file)].filter(
        (p) => !(PUBLIC_PROCEDURES as readonly string[]).includes(p),
      );
      const listed = PAGE_PROCEDURES[route as PagePath];
      expect(called.sort(), route).toEqual([...listed.needs, ...(listed.optional ?? [])].sort());
    }
  });

  it('gives each role the pages it can use', () => {
    const table = Object.fromEntries(ROLES.map((role) => [role, pagesFor(role)]));
    expect(table).toEqual({
      executive: ['/', '/cohorts', '/repeat', '/complaints', '/program', '/model', '/alerts'],
      analyst: ['/', '/cohorts', '/repeat', '/complaints', '/program', '/model', '/sql', '/alerts'],
      retention: ['/', '/cohorts', '/repeat', '/complaints', '/at-risk', '/program', '/model', '/alerts'],
      admin: [...PAGE_PATHS],
    });
  });
});
