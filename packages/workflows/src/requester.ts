import { appendAudit } from '@retain/access';
import type { ExportRequester } from '@retain/outreach';
import type { Warehouse } from '@retain/warehouse';

/**
 * Who asks for a workflow and through which front end, for the audit log: the signed-in user on
 * the API; on the CLI, which has no sign-in, no user and the operating-system user in `detail`.
 */
export type Requester = ExportRequester;

/** Appends an audit entry for `requester`: its front end and detail first, then the action's own. */
export async function auditAs(
  warehouse: Warehouse,
  requester: Requester,
  action: string,
  detail: Record<string, unknown>,
): Promise<void> {
  await appendAudit(warehouse, {
    username: requester.username,
    action,
    detail: { via: requester.via, ...requester.detail, ...detail },
  });
}
