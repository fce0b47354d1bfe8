import { describe, expect, it } from 'vitest';
import { AUDIT_PAGE_SIZE, auditActionLabel, auditDetailText, auditInputFromSearch } from './auditLog.ts';

describe('audit log', () => {
  it('reads filters and the page from the URL', () => {
    expect(auditInputFromSearch(new URLSearchParams('user=maria&action=export&before=120'))).toEqual({
      username: 'maria',
      action: 'export',
      beforeId: 120,
      limit: AUDIT_PAGE_SIZE,
    });
    expect(auditInputFromSearch(new URLSearchParams('user=&before=x'))).toEqual({ limit: AUDIT_PAGE_SIZE });
  });

  it('names actions and writes details on one line', () => {
    expect(auditActionLabel('login-failed')).toBe('Failed sign-in');
    expect(auditActionLabel('something-new')).toBe('something-new');
    expect(
      auditDetailText({
        via: 'api',
        filters: { region: ['North'] },
        rows: 2,
        note: null,
        sql: 'x'.repeat(400),
      }),
    ).toBe(`via: api · filters: {"region":["North"]} · rows: 2 · sql: ${'x'.repeat(159)}…`);
  });
});
