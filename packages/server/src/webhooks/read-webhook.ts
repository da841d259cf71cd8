import { errors } from '../errors.js';
import type { Store } from '../store/database.js';
import type { WebhookRecord } from './model.js';
import { findWebhook } from './store.js';

/** The webhook of the workspace, or 404. */
export async function readWebhook(store: Store, workspaceId: string, id: string): Promise<WebhookRecord> {
  const record = await findWebhook(store.db, workspaceId, id);
  if (!record) throw errors.notFound('Webhook', id);
  return record;
}
