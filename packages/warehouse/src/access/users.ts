import { ROLES, type Role } from '@retain/schemas';
import { BadInputError } from '../errors.ts';
import type { Warehouse } from '../Warehouse.ts';
import { decoyHash, hashPassword, verifyPassword } from './passwords.ts';

export interface User {
  username: string;
  role: Role;
  createdAt: string;
  passwordSetAt: string;
}

function toUser(row: Record<string, unknown>): User {
  return {
    username: String(row.username),
    role: String(row.role) as Role,
    createdAt: String(row.created_at),
    passwordSetAt: String(row.password_set_at),
  };
}

function checkRole(role: string): Role {
  if (!(ROLES as readonly string[]).includes(role))
    throw new BadInputError(`unknown role "${role}"; roles are ${ROLES.join(', ')}`);
  return role as Role;
}

export async function listUsers(warehouse: Warehouse): Promise<User[]> {
  return warehouse.read(async (conn) =>
    (
      await conn.runAndReadAll(
        'SELECT username, role, created_at, password_set_at FROM users ORDER BY username',
      )
    )
      .getRowObjectsJson()
      .map(toUser),
  );
}

export async function countUsers(warehouse: Warehouse): Promise<number> {
  return warehouse.read(async (conn) =>
    Number((await conn.runAndReadAll('SELECT count(*) FROM users')).getRows()[0]?.[0] ?? 0),
  );
}

export async function addUser(
  warehouse: Warehouse,
  username: string,
  role: string,
  password: string,
): Promise<User> {
  const checked = checkRole(role);
  const hash = await hashPassword(password);
  return warehouse.write(async (conn) => {
    const exists =
      (await conn.runAndReadAll('SELECT 1 FROM users WHERE username = $u', { u: username })).getRows()
        .length > 0;
    if (exists) throw new BadInputError(`user "${username}" already exists`);
    await conn.run(
      `INSERT INTO users (username, role, password_hash, created_at, password_set_at)
       VALUES ($u, $role, $hash, now()::TIMESTAMP, now()::TIMESTAMP)`,
      { u: username, role: checked, hash },
    );
    const row = (
      await conn.runAndReadAll('SELECT * FROM users WHERE username = $u', { u: username })
    ).getRowObjectsJson()[0];
    if (!row) throw new Error('user vanished');
    return toUser(row);
  });
}

/** Removes a user and ends their sessions. */
export async function removeUser(warehouse: Warehouse, username: string): Promise<void> {
  await warehouse.write(async (conn) => {
    const removed = (await conn.run('DELETE FROM users WHERE username = $u', { u: username })).rowsChanged;
    if (removed === 0) throw new BadInputError(`no user "${username}"`);
    await conn.run('DELETE FROM sessions WHERE username = $u', { u: username });
  });
}

/** Sets a new password and ends every session of that user. */
export async function resetPassword(warehouse: Warehouse, username: string, password: string): Promise<void> {
  const hash = await hashPassword(password);
  await warehouse.write(async (conn) => {
    const changed = (
      await conn.run(
        'UPDATE users SET password_hash = $hash, password_set_at = now()::TIMESTAMP WHERE username = $u',
        {
          u: username,
          hash,
        },
      )
    ).rowsChanged;
    if (changed === 0) throw new BadInputError(`no user "${username}"`);
    await conn.run('DELETE FROM sessions WHERE username = $u', { u: username });
  });
}

/**
 * The user whose password this is, or null. Takes the same time whether or not the user exists, so
 * that response times do not reveal user names.
 */
export async function verifyCredentials(
  warehouse: Warehouse,
  username: string,
  password: string,
): Promise<User | null> {
  const row = await warehouse.read(
    async (conn) =>
      (
        await conn.runAndReadAll('SELECT * FROM users WHERE username = $u', { u: username })
      ).getRowObjectsJson()[0],
  );
  const ok = await verifyPassword(password, row ? String(row.password_hash) : await decoyHash());
  return ok && row ? toUser(row) : null;
}
