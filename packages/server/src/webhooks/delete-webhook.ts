import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { isForeignKeyViolation } from '../store/queries.js';
import { ifMatchAllows } from '../http/etag.js';
import { auditWebhook } from './audit-webhook.js';
import type { WebhookRecord } from './model.js';
import { readWebhook } from './read-webhook.js';
import { deleteUnusedDisabledWebhook, listWebhookUsages } from './store.js';

/** Throws why `record` may not be deleted now, if it may not. */
async function refuseIfNotDeletable(ctx: AppContext, record: WebhookRecord, ifMatch: string | string[] | undefined): Promise<void> {
  if (!ifMatchAllows(ifMatch, record.webhook.version)) throw errors.preconditionFailed('webhook');
  if (record.webhook.enabled) throw errors.webhookEnabled('delete');
  const usages = await listWebhookUsages(ctx.store, record.webhook.id);
  if (usages.length > 0) throw errors.webhookInUse(usages);
}

/** Deletes a webhook that is disabled and used by no task or journey. */
export async function deleteWebhook(ctx: AppContext, principal: Principal, id: string, ifMatch: string | string[] | undefined): Promise<void> {
  const record = await readWebhook(ctx.store, principal.workspaceId, id);
  await refuseIfNotDeletable(ctx, record, ifMatch);
  let deleted: boolean;
  try {
    deleted = await ctx.store.db.transaction().execute(async (trx) => {
      if (!(await deleteUnusedDisabledWebhook(trx, principal.workspaceId, id, record.webhook.version))) return false;
      // The version guard makes the record read before the transaction exactly what was deleted.
      await auditWebhook(trx, principal, { action: 'delete', id, before: record.webhook, after: null, at: ctx.clock.now() });
      return true;
    });
  } catch (error) {
    // A usage committed between the check and the delete: report it like any other usage.
    if (!isForeignKeyViolation(error)) throw error;
    deleted = false;
  }
  if (deleted) return;
  // Something changed since the read: explain with the current state.
  const current = await readWebhook(ctx.store, principal.workspaceId, id);
  await refuseIfNotDeletable(ctx, current, ifMatch);
  throw errors.concurrentModification('webhook');
}
