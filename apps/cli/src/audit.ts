import os from 'node:os';
import type { Warehouse } from '@retain/warehouse';
import type { Requester } from '@retain/workflows';

/**
 * The CLI has no sign-in: whoever can run it can open the database file. Its audit entries carry
 * no Retain user; their detail says they came through the CLI and names the operating-system user.
 */
export function cliRequester(): Requester {
  return { username: null, via: 'cli', detail: { osUser: osUser() } };
}

export async function auditFromCli(
  warehouse: Warehouse,
  action: string,
  detail: Record<string, unknown>,
): Promise<void> {
  const { auditAs } = await import('@retain/workflows');
  await auditAs(warehouse, cliRequester(), action, detail);
}

function osUser(): string | null {
  try {
    return os.userInfo().username;
  } catch {
    return null; // a user id without a passwd entry, as in some containers
  }
}
