import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { newId } from '../shared/ids.js';
import { auditWebhook } from './audit-webhook.js';
import { validatedDraft } from './check-input.js';
import { isForeignKeyViolation } from '../store/queries.js';
import { keyContext, type Webhook } from './model.js';
import type { WebhookInput } from './schemas.js';
import { findWebhook, insertWebhook, settingsRow } from './store.js';

/** Creates a webhook, enabled (webhooks are enabled by default in the product). */
export async function createWebhook(ctx: AppContext, principal: Principal, input: WebhookInput): Promise<Webhook> {
  const draft = await validatedDraft(ctx.store, principal.workspaceId, input);
  const now = ctx.clock.now();
  const id = newId('wh', now);
  const keySealed = draft.key === undefined ? null : ctx.secrets.seal(draft.key, keyContext(id));
  try {
    return await ctx.store.db.transaction().execute(async (trx) => {
      await insertWebhook(
        trx,
        { id, workspace_id: principal.workspaceId, ...settingsRow(draft, keySealed), enabled: 1, latest_test: null, version: 1, created_at: now, updated_at: now },
        draft.parameters,
        draft.receipt.statuses,
      );
      const { webhook } = (await findWebhook(trx, principal.workspaceId, id))!;
      await auditWebhook(trx, principal, { action: 'create', id, before: null, after: webhook, at: now });
      return webhook;
    });
  } catch (error) {
    // A managed parameter deleted since validation: validating again names it.
    if (isForeignKeyViolation(error)) await validatedDraft(ctx.store, principal.workspaceId, input);
    throw error;
  }
}
