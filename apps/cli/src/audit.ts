import os from 'node:os';
import type { Warehouse } from '@retain/warehouse';

/**
 * The CLI has no sign-in: whoever can run it can open the database file. Its audit entries carry
 * no Retain user; their detail says they came through the CLI and names the operating-system user.
 */
export function cliRequester(): { via: 'cli'; osUser: string | null } {
  return { via: 'cli', osUser: osUser() };
}

export async function auditFromCli(
  warehouse: Warehouse,
  action: string,
  detail: Record<string, unknown>,
): Promise<void> {
  const { appendAudit } = await import('@retain/warehouse');
  await appendAudit(warehouse, { username: null, action, detail: { ...cliRequester(), ...detail } });
}

function osUser(): string | null {
  try {
    return os.userInfo().username;
  } catch {
    return null; // a user id without a passwd entry, as in some containers
  }
}
