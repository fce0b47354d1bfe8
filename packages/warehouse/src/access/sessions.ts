import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '@retain/schemas';
import type { Warehouse } from '../Warehouse.ts';

/** Only a hash of the token is stored: a copy of the database does not let anyone sign in. */
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export const SESSION_HOURS = 12;

export async function createSession(
  warehouse: Warehouse,
  username: string,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + SESSION_HOURS * 3600_000);
  await warehouse.write(async (conn) => {
    await conn.run('DELETE FROM sessions WHERE expires_at < now()::TIMESTAMP');
    await conn.run(
      'INSERT INTO sessions (token_hash, username, created_at, expires_at) VALUES ($h, $u, now()::TIMESTAMP, $exp::TIMESTAMP)',
      { h: hashToken(token), u: username, exp: expiresAt.toISOString() },
    );
  });
  return { token, expiresAt };
}

export async function sessionUser(
  warehouse: Warehouse,
  token: string,
): Promise<{ username: string; role: Role } | null> {
  if (!token || token.length > 100) return null;
  const row = await warehouse.read(
    async (conn) =>
      (
        await conn.runAndReadAll(
          `SELECT u.username, u.role FROM sessions s JOIN users u USING (username)
           WHERE s.token_hash = $h AND s.expires_at > now()::TIMESTAMP`,
          { h: hashToken(token) },
        )
      ).getRowObjectsJson()[0],
  );
  return row ? { username: String(row.username), role: String(row.role) as Role } : null;
}

export async function endSession(warehouse: Warehouse, token: string): Promise<void> {
  await warehouse.write((conn) =>
    conn.run('DELETE FROM sessions WHERE token_hash = $h', { h: hashToken(token) }),
  );
}
