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

  it('names an export by what was exported, and a load of demo data as such', () => {
    expect(auditActionLabel('export', { export: 'call-list', via: 'api' })).toBe('Exported a call list');
    expect(auditActionLabel('export', { export: 'scores', via: 'cli' })).toBe('Exported scores');
    expect(auditActionLabel('export', { export: 'report', format: 'pdf' })).toBe(
      'Downloaded the executive report',
    );
    expect(auditActionLabel('export', { export: 'something-else' })).toBe('Exported data');
    expect(auditActionLabel('export', {})).toBe('Exported data');
    expect(auditActionLabel('ingest', { demo: { customers: 500, seed: 42 } })).toBe('Loaded demo data');
    expect(auditActionLabel('ingest', { files: [] })).toBe('Loaded data');
  });

  it('names actions and writes details on one line', () => {
    expect(auditActionLabel('login-failed')).toBe('Failed sign-in');
    expect(auditActionLabel('something-new')).toBe('something-new');
    expect(auditActionLabel('train', { via: 'api', jobId: 'train-1' })).toBe('Started training a model');
    expect(auditActionLabel('call-outcome', { outcome: 'reached' })).toBe('Recorded a call outcome');
    expect(auditActionLabel('alert-fired', { ruleId: 'r1' })).toBe('An alert fired');
    expect(auditActionLabel('alert-recovered', { ruleId: 'r1' })).toBe('An alert recovered');
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
