import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { auditWebhook } from './audit-webhook.js';
import type { Webhook } from './model.js';
import { findWebhook, setEnabled } from './store.js';

/** Writes racing this one can each make it retry once; past this, the webhook is too busy to change. */
const ATTEMPTS = 5;

/** Enables or disables a webhook; idempotent (no new version, no audit entry, when already in that state). */
export async function setWebhookEnabled(ctx: AppContext, principal: Principal, id: string, enabled: boolean): Promise<Webhook> {
  return ctx.store.db.transaction().execute(async (trx) => {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const before = (await findWebhook(trx, principal.workspaceId, id))?.webhook;
      if (!before) throw errors.notFound('Webhook', id);
      if (before.enabled === enabled) return before;
      const now = ctx.clock.now();
      // Guarded by the version read, so `before` is exactly the state this write replaced.
      if (await setEnabled(trx, principal.workspaceId, id, before.version, enabled, now)) {
        const after = (await findWebhook(trx, principal.workspaceId, id))!.webhook;
        await auditWebhook(trx, principal, { action: enabled ? 'enable' : 'disable', id, before, after, at: now });
        return after;
      }
    }
    throw errors.concurrentModification('webhook');
  });
}
