import type { Principal } from '../../access/principal.js';
import type { AppContext } from '../../context.js';
import { readWebhook } from '../../webhooks/read-webhook.js';
import type { TestSendResult } from './schemas.js';
import { listTestSendRows } from './store.js';

/** A page of a webhook's recent tests, newest first (404 when the webhook is not the workspace's). */
export async function listTestSends(
  ctx: AppContext,
  principal: Principal,
  webhookId: string,
  page: number,
  pageSize: number,
): Promise<{ items: TestSendResult[]; total: number; page: number; pageSize: number }> {
  await readWebhook(ctx.store, principal.workspaceId, webhookId);
  return { ...(await listTestSendRows(ctx.store, principal.workspaceId, webhookId, page, pageSize)), page, pageSize };
}
