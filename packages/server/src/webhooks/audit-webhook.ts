import type { Kysely } from 'kysely';
import type { Principal } from '../access/principal.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Database } from '../store/schema.js';
import type { Webhook } from './model.js';

/** Webhook changes the audit log records. */
export type WebhookAction = 'create' | 'update' | 'enable' | 'disable' | 'copy' | 'delete';

/**
 * Records a webhook change in the caller's transaction. The snapshots are the API's view of the
 * webhook, so the key appears only as `keySet`.
 */
export function auditWebhook(
  trx: Kysely<Database>,
  principal: Principal,
  change: { action: WebhookAction; id: string; before: Webhook | null; after: (Webhook & { copiedFrom?: string }) | null; at: number },
): Promise<void> {
  return recordAudit(trx, {
    workspaceId: principal.workspaceId,
    actorId: principal.memberId,
    action: change.action,
    resourceType: 'webhook',
    resourceId: change.id,
    before: change.before,
    after: change.after,
    at: change.at,
  });
}
