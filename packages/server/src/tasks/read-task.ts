import { assertHasPermission, assertMayUseWebhook } from '../access/may-use-webhook.js';
import { WEBHOOK_USE } from '../access/permissions.js';
import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import type { TaskRow } from '../store/schema.js';
import { findTask } from './store.js';

/**
 * The task, if the caller may work with it: the webhook permission first (so a member without it
 * learns nothing of which tasks exist), then 404, then use of the task's webhook now.
 */
export async function readTaskFor(ctx: AppContext, principal: Principal, id: string): Promise<TaskRow> {
  await assertHasPermission(ctx, principal, WEBHOOK_USE);
  const row = await findTask(ctx.store.db, principal.workspaceId, id);
  if (!row) throw errors.notFound('Task', id);
  await assertMayUseWebhook(ctx, principal, row.webhook_id);
  return row;
}
