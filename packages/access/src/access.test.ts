import { BadInputError, type Warehouse } from '@retain/warehouse';
import { openTestWarehouse, query, tempDir } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, listAudit } from './audit.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { createSession, endSession, sessionUser } from './sessions.ts';
import { addUser, listUsers, removeUser, resetPassword, verifyCredentials } from './users.ts';

let warehouse: Warehouse;
let cleanup: () => void;
beforeAll(async () => {
  const tmp = tempDir();
  cleanup = tmp.cleanup;
  warehouse = await openTestWarehouse(tmp.dir);
});
afterAll(() => {
  warehouse.close();
  cleanup();
});

describe('passwords', () => {
  it('hash with scrypt and a random salt, and verify', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });
});

describe('users, sessions and audit', () => {
  it('adds users with a role and never stores the password', async () => {
    await addUser(warehouse, 'ada', 'admin', 'a long password 1');
    await addUser(warehouse, 'eve', 'executive', 'a long password 2');
    expect((await listUsers(warehouse)).map((u) => [u.username, u.role])).toEqual([
      ['ada', 'admin'],
      ['eve', 'executive'],
    ]);
    const stored = await query(warehouse, 'SELECT password_hash FROM users');
    expect(JSON.stringify(stored)).not.toContain('a long password');
    await expect(addUser(warehouse, 'ada', 'admin', 'another password')).rejects.toBeInstanceOf(
      BadInputError,
    );
    await expect(addUser(warehouse, 'bob', 'superuser', 'a long password')).rejects.toThrow(/unknown role/);
  });

  it('checks credentials', async () => {
    expect(await verifyCredentials(warehouse, 'ada', 'a long password 1')).toMatchObject({
      username: 'ada',
      role: 'admin',
    });
    expect(await verifyCredentials(warehouse, 'ada', 'wrong password!')).toBeNull();
    expect(await verifyCredentials(warehouse, 'nobody', 'a long password 1')).toBeNull();
  });

  it('issues sessions that end on logout, password reset and removal', async () => {
    const first = await createSession(warehouse, 'eve');
    expect(await sessionUser(warehouse, first.token)).toEqual({ username: 'eve', role: 'executive' });
    expect(await sessionUser(warehouse, `${first.token}x`)).toBeNull();
    await endSession(warehouse, first.token);
    expect(await sessionUser(warehouse, first.token)).toBeNull();

    const second = await createSession(warehouse, 'eve');
    await resetPassword(warehouse, 'eve', 'a brand new password');
    expect(await sessionUser(warehouse, second.token)).toBeNull();
    expect(await verifyCredentials(warehouse, 'eve', 'a brand new password')).not.toBeNull();

    const third = await createSession(warehouse, 'eve');
    await removeUser(warehouse, 'eve');
    expect(await sessionUser(warehouse, third.token)).toBeNull();
    await expect(removeUser(warehouse, 'eve')).rejects.toThrow(/no user/);
  });

  it('keeps an append-only audit trail, newest first', async () => {
    await appendAudit(warehouse, { username: 'ada', action: 'login', detail: { ok: true } });
    await appendAudit(warehouse, {
      username: 'ada',
      action: 'sql',
      detail: { sql: 'SELECT 1', rows: 1, ms: 3 },
    });
    await appendAudit(warehouse, {
      username: null,
      action: 'login',
      detail: { ok: false, username: 'mallory' },
    });
    const all = await listAudit(warehouse);
    expect(all.map((e) => e.action)).toEqual(['login', 'sql', 'login']);
    expect(all[1]?.detail).toEqual({ sql: 'SELECT 1', rows: 1, ms: 3 });
    expect((await listAudit(warehouse, { action: 'login' })).map((e) => e.username)).toEqual([null, 'ada']);
    expect(await listAudit(warehouse, { username: 'ada', limit: 1 })).toHaveLength(1);
  });
});
