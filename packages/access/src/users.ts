import { ROLES, type Role } from '@retain/schemas';
import { BadInputError, type Db, dbNumber, sql, type Warehouse } from '@retain/warehouse';
import { z } from 'zod';
import { accessTablesExist, ensureAccessTables } from './accessTables.ts';
import { decoyHash, hashPassword, verifyPassword } from './passwords.ts';

export interface User {
  username: string;
  role: Role;
  createdAt: string;
  passwordSetAt: string;
}

const USER_ROW = z.object({
  username: z.string(),
  role: z.string(),
  password_hash: z.string(),
  created_at: z.string(),
  password_set_at: z.string(),
});
type UserRow = z.output<typeof USER_ROW>;

/** Timestamps as text, as the engine writes them. */
const SELECT_USERS = sql`SELECT username, role, password_hash, CAST(created_at AS VARCHAR) AS created_at,
  CAST(password_set_at AS VARCHAR) AS password_set_at FROM users`;

function toUser(row: UserRow): User {
  return {
    username: row.username,
    role: row.role as Role,
    createdAt: row.created_at,
    passwordSetAt: row.password_set_at,
  };
}

function userNamed(db: Db, username: string): Promise<UserRow | null> {
  return db.first(sql`${SELECT_USERS} WHERE username = ${username}`, USER_ROW);
}

function checkRole(role: string): Role {
  if (!(ROLES as readonly string[]).includes(role))
    throw new BadInputError(`unknown role "${role}"; roles are ${ROLES.join(', ')}`);
  return role as Role;
}

/** Every user, by name; none where the tables were never made (a read-only open of a new database). */
export async function listUsers(warehouse: Warehouse): Promise<User[]> {
  const rows = await warehouse.read(async (db) =>
    (await accessTablesExist(db)) ? db.query(sql`${SELECT_USERS} ORDER BY username`, USER_ROW) : [],
  );
  return rows.map(toUser);
}

export async function countUsers(warehouse: Warehouse): Promise<number> {
  return warehouse.read(async (db) =>
    (await accessTablesExist(db)) ? db.scalar(sql`SELECT count(*) FROM users`, dbNumber) : 0,
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
  await ensureAccessTables(warehouse);
  return warehouse.write(async (db) => {
    if (await userNamed(db, username)) throw new BadInputError(`user "${username}" already exists`);
    await db.run(
      sql`INSERT INTO users (username, role, password_hash, created_at, password_set_at)
          VALUES (${username}, ${checked}, ${hash}, CAST(now() AS TIMESTAMP), CAST(now() AS TIMESTAMP))`,
    );
    const row = await userNamed(db, username);
    if (!row) throw new Error('user vanished');
    return toUser(row);
  });
}

/** Removes a user and ends their sessions. */
export async function removeUser(warehouse: Warehouse, username: string): Promise<void> {
  await ensureAccessTables(warehouse);
  await warehouse.write(async (db) => {
    const removed = await db.count(sql`DELETE FROM users WHERE username = ${username}`);
    if (removed === 0) throw new BadInputError(`no user "${username}"`);
    await db.run(sql`DELETE FROM sessions WHERE username = ${username}`);
  });
}

/** Sets a new password and ends every session of that user. */
export async function resetPassword(warehouse: Warehouse, username: string, password: string): Promise<void> {
  const hash = await hashPassword(password);
  await ensureAccessTables(warehouse);
  await warehouse.write(async (db) => {
    const changed = await db.count(
      sql`UPDATE users SET password_hash = ${hash}, password_set_at = CAST(now() AS TIMESTAMP) WHERE username = ${username}`,
    );
    if (changed === 0) throw new BadInputError(`no user "${username}"`);
    await db.run(sql`DELETE FROM sessions WHERE username = ${username}`);
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
  // Where the tables were never made (a read-only open of a new database) there is no user.
  const row = await warehouse.read(async (db) =>
    (await accessTablesExist(db)) ? userNamed(db, username) : null,
  );
  const ok = await verifyPassword(password, row ? row.password_hash : await decoyHash());
  return ok && row ? toUser(row) : null;
}
