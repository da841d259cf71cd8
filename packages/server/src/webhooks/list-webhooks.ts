import { usableWebhookIds } from '../access/may-use-webhook.js';
import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import type { Webhook } from './model.js';
import type { WebhookListQuery } from './schemas.js';
import { listWebhooks } from './store.js';

/** A page of webhooks: all of them for an administrator, only those they may use now for anyone else. */
export async function listVisibleWebhooks(
  ctx: AppContext,
  principal: Principal,
  query: WebhookListQuery,
): Promise<{ items: Webhook[]; total: number; page: number; pageSize: number }> {
  const { page = 1, pageSize = 20, search, enabled } = query;
  const ids = await usableWebhookIds(ctx, principal);
  return { ...(await listWebhooks(ctx.store, principal.workspaceId, { search, enabled, ids, page, pageSize })), page, pageSize };
}
