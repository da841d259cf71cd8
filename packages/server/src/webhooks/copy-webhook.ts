import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { errors, type FieldError } from '../errors.js';
import { newId } from '../shared/ids.js';
import { auditWebhook } from './audit-webhook.js';
import { keyContext, type Webhook } from './model.js';
import { readWebhook } from './read-webhook.js';
import { LIMITS, type WebhookCopyInput } from './schemas.js';
import { findWebhook, insertWebhook, settingsRow } from './store.js';
import { checkText } from './validate-webhook.js';

const SUFFIX = ' (copy)';

/** `<name> (copy)`, with the name cut (by code points, never inside an emoji) so the result fits the name limit. */
export function copyName(name: string): string {
  const room = LIMITS.name - SUFFIX.length;
  const points = Array.from(name);
  return (points.length > room ? points.slice(0, room).join('').trimEnd() : name) + SUFFIX;
}

/** Copies a webhook with its settings, parameters, statuses and key; the copy is disabled until enabled. */
export async function copyWebhook(ctx: AppContext, principal: Principal, id: string, input: WebhookCopyInput | undefined): Promise<Webhook> {
  const source = await readWebhook(ctx.store, principal.workspaceId, id);
  const problems: FieldError[] = [];
  const name = input?.name === undefined ? copyName(source.webhook.name) : checkText(input.name, 'name', problems);
  if (problems.length > 0) throw errors.validation(problems);
  const now = ctx.clock.now();
  const copyId = newId('wh', now);
  const { webhook } = source;
  // The key is sealed to its webhook's id, so the copy gets it re-sealed under its own.
  const keySealed = source.keySealed === null ? null : ctx.secrets.seal(ctx.secrets.open(source.keySealed, keyContext(id)), keyContext(copyId));
  const settings = settingsRow({ ...webhook, name, key: undefined }, keySealed);
  return ctx.store.db.transaction().execute(async (trx) => {
    await insertWebhook(
      trx,
      { id: copyId, workspace_id: principal.workspaceId, ...settings, enabled: 0, latest_test: null, version: 1, created_at: now, updated_at: now },
      webhook.parameters,
      webhook.receipt.statuses,
    );
    const copy = (await findWebhook(trx, principal.workspaceId, copyId))!.webhook;
    await auditWebhook(trx, principal, { action: 'copy', id: copyId, before: null, after: { ...copy, copiedFrom: id }, at: now });
    return copy;
  });
}
