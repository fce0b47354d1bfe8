import path from 'node:path';
import { tempDir } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRetain } from '../testing/runRetain.ts';

describe('retain users and retain audit', () => {
  let cleanup: () => void;
  let db: string;
  beforeAll(() => {
    const tmp = tempDir('retain-cli-users-');
    cleanup = tmp.cleanup;
    db = path.join(tmp.dir, 'u.duckdb');
  });
  afterAll(() => cleanup());

  it('adds users with a password from standard input and lists them', () => {
    const added = runRetain(
      ['users', 'add', 'maria', '--role', 'retention', '--db', db, '--json'],
      {},
      'a long enough secret\n',
    );
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ username: 'maria', role: 'retention' });
    const list = JSON.parse(runRetain(['users', 'list', '--db', db, '--json']).stdout);
    expect(list.map((u: { username: string; role: string }) => [u.username, u.role])).toEqual([
      ['maria', 'retention'],
    ]);
  });

  it('refuses a short password, an unknown role and a duplicate with exit code 2', () => {
    expect(runRetain(['users', 'add', 'bob', '--role', 'admin', '--db', db], {}, 'short\n').stderr).toMatch(
      /at least 10 characters/,
    );
    const badRole = runRetain(
      ['users', 'add', 'bob', '--role', 'boss', '--db', db],
      {},
      'a long enough secret\n',
    );
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toMatch(/--role/);
    expect(
      runRetain(['users', 'add', 'maria', '--role', 'admin', '--db', db], {}, 'a long enough secret\n').code,
    ).toBe(2);
  });

  it('resets passwords, removes users, and shows the audit trail', () => {
    expect(
      runRetain(['users', 'reset-password', 'maria', '--db', db], {}, 'another long secret\n').code,
    ).toBe(0);
    expect(runRetain(['users', 'remove', 'maria', '--db', db]).code).toBe(0);
    expect(runRetain(['users', 'remove', 'maria', '--db', db]).code).toBe(2);
    const audit = runRetain(['audit', '--db', db, '--json']);
    expect(audit.code).toBe(0);
    // Newest first; the CLI has no signed-in user, so entries name the operating-system user.
    const entries = JSON.parse(audit.stdout) as { action: string; username: string | null; detail: object }[];
    expect(entries.map((e) => e.action)).toEqual(['user-remove', 'password-reset', 'user-add']);
    expect(entries.every((e) => e.username === null)).toBe(true);
    expect(entries[2]?.detail).toMatchObject({ via: 'cli', user: 'maria', role: 'retention' });
    expect(entries[0]?.detail).toMatchObject({ via: 'cli', user: 'maria' });
  });

  it('will not serve with sign-in required and no users', () => {
    const result = runRetain(['serve', '--db', db, '--port', '0'], { RETAIN_AUTH: 'on' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('retain users add');
  });
});
