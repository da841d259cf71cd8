import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import type { Webhook } from './model.js';
import { readWebhook } from './read-webhook.js';
import { setEnabled } from './store.js';

/** Enables or disables a webhook; idempotent (no new version when already in that state). */
export async function setWebhookEnabled(ctx: AppContext, principal: Principal, id: string, enabled: boolean): Promise<Webhook> {
  const exists = await setEnabled(ctx.store, principal.workspaceId, id, enabled, ctx.clock.now());
  if (!exists) throw errors.notFound('Webhook', id);
  return (await readWebhook(ctx.store, principal.workspaceId, id)).webhook;
}
