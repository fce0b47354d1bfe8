import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '@retain/schemas';
import { sql, type Warehouse } from '@retain/warehouse';
import { z } from 'zod';
import { accessTablesExist, ensureAccessTables } from './accessTables.ts';

/** Only a hash of the token is stored: a copy of the database does not let anyone sign in. */
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export const SESSION_HOURS = 12;

export async function createSession(
  warehouse: Warehouse,
  username: string,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + SESSION_HOURS * 3600_000);
  await ensureAccessTables(warehouse);
  await warehouse.write(async (db) => {
    await db.run(sql`DELETE FROM sessions WHERE expires_at < CAST(now() AS TIMESTAMP)`);
    await db.run(
      sql`INSERT INTO sessions (token_hash, username, created_at, expires_at)
          VALUES (${hashToken(token)}, ${username}, CAST(now() AS TIMESTAMP), CAST(${expiresAt.toISOString()} AS TIMESTAMP))`,
    );
  });
  return { token, expiresAt };
}

export async function sessionUser(
  warehouse: Warehouse,
  token: string,
): Promise<{ username: string; role: Role } | null> {
  if (!token || token.length > 100) return null;
  // No session exists where the tables were never made (a read-only open of a new database).
  const row = await warehouse.read(async (db) =>
    !(await accessTablesExist(db))
      ? null
      : db.first(
          sql`SELECT u.username, u.role FROM sessions s JOIN users u USING (username)
          WHERE s.token_hash = ${hashToken(token)} AND s.expires_at > CAST(now() AS TIMESTAMP)`,
          z.object({ username: z.string(), role: z.string() }),
        ),
  );
  return row ? { username: row.username, role: row.role as Role } : null;
}

export async function endSession(warehouse: Warehouse, token: string): Promise<void> {
  await ensureAccessTables(warehouse);
  await warehouse.write((db) => db.run(sql`DELETE FROM sessions WHERE token_hash = ${hashToken(token)}`));
}
