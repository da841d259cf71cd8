import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { validatedDraft } from './check-input.js';
import { keyContext } from './model.js';
import { buildPreview, type WebhookPreview } from './preview-webhook.js';
import { readWebhook } from './read-webhook.js';
import type { WebhookInput } from './schemas.js';

/** Stands in for the id of a webhook not created yet (callback_params.webhook_id). */
export const DRAFT_WEBHOOK_ID = 'sample_webhook_id';

/**
 * The exact request for settings not saved yet (the Create and Edit dialogs' "Preview Message
 * Format"): validated like a save, so the answer is either the request or the save's field errors.
 * When editing (`id`) and the key is omitted, the stored key signs, as a save would keep it.
 */
export async function previewDraft(ctx: AppContext, principal: Principal, input: WebhookInput, id: string | undefined, idType: string | undefined): Promise<WebhookPreview> {
  const existing = id === undefined ? undefined : await readWebhook(ctx.store, principal.workspaceId, id);
  const draft = await validatedDraft(ctx.store, principal.workspaceId, input, existing);
  const storedKey = existing?.keySealed ? ctx.secrets.open(existing.keySealed, keyContext(existing.webhook.id)) : undefined;
  const key = draft.authMethod === 'key' ? (draft.key ?? storedKey) : undefined;
  return buildPreview(ctx, principal, { id: id ?? DRAFT_WEBHOOK_ID, settings: draft, key }, idType);
}
