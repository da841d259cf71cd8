import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { ifMatchAllows } from '../http/etag.js';
import { validatedDraft } from './check-input.js';
import { isForeignKeyViolation } from '../store/queries.js';
import { auditWebhook } from './audit-webhook.js';
import { keyContext, type ReceiptStatus, type Webhook } from './model.js';
import { readWebhook } from './read-webhook.js';
import type { WebhookInput } from './schemas.js';
import { findWebhook, replaceWebhookSettings, settingsRow } from './store.js';

/** Codes of saved statuses that `next` removes or gives another value: receipts already reported with them must keep their meaning. */
export function lockedStatusCodes(saved: readonly ReceiptStatus[], next: readonly ReceiptStatus[]): string[] {
  const values = new Map(next.map((s) => [s.code, s.value]));
  return saved.filter((s) => values.get(s.code) !== s.value).map((s) => s.code);
}

/** Edits a disabled webhook (full replacement; an omitted key keeps the stored one while authMethod stays key). */
export async function updateWebhook(
  ctx: AppContext,
  principal: Principal,
  id: string,
  input: WebhookInput,
  ifMatch: string | string[] | undefined,
): Promise<Webhook> {
  const existing = await readWebhook(ctx.store, principal.workspaceId, id);
  const version = existing.webhook.version;
  if (!ifMatchAllows(ifMatch, version)) throw errors.preconditionFailed('webhook');
  if (existing.webhook.enabled) throw errors.webhookEnabled('edit');
  const draft = await validatedDraft(ctx.store, principal.workspaceId, input, existing);
  const locked = lockedStatusCodes(existing.webhook.receipt.statuses, draft.receipt.statuses);
  if (locked.length > 0) throw errors.receiptStatusLocked(locked);
  let keySealed: string | null = null;
  if (draft.authMethod === 'key') keySealed = draft.key === undefined ? existing.keySealed : ctx.secrets.seal(draft.key, keyContext(id));
  let updated: Webhook | undefined;
  try {
    updated = await ctx.store.db.transaction().execute(async (trx) => {
      const now = ctx.clock.now();
      const written = await replaceWebhookSettings(trx, principal.workspaceId, id, version, settingsRow(draft, keySealed), draft.parameters, draft.receipt.statuses, now);
      if (!written) return undefined;
      // The version guard makes the webhook read before the transaction exactly what was replaced.
      const { webhook } = (await findWebhook(trx, principal.workspaceId, id))!;
      await auditWebhook(trx, principal, { action: 'update', id, before: existing.webhook, after: webhook, at: now });
      return webhook;
    });
  } catch (error) {
    // A managed parameter deleted since validation: validating again names it.
    if (isForeignKeyViolation(error)) await validatedDraft(ctx.store, principal.workspaceId, input, existing);
    throw error;
  }
  if (!updated) {
    // With a pinned If-Match the client's precondition is what failed; without one it is a lost race.
    throw ifMatch !== undefined && ifMatch !== '*' ? errors.preconditionFailed('webhook') : errors.concurrentModification('webhook');
  }
  return updated;
}
