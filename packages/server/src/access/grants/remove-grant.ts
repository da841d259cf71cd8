import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { errors } from '../../errors.js';
import type { Database } from '../../store/schema.js';
import { auditChange } from '../audit.js';
import type { Principal } from '../principal.js';
import { grantSetSnapshot } from './grant-view.js';
import { deleteGrants, grantRows, grantsOfSubject, lockWebhookForGrants } from './store.js';

/** Removes one grant of a webhook; the member loses access on their next request. */
export async function removeGrant(ctx: AppContext, principal: Principal, webhookId: string, grantId: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    if (!(await lockWebhookForGrants(trx, ctx.store.dialect, principal.workspaceId, webhookId))) throw errors.notFound('Webhook', webhookId);
    const before = await grantRows(trx, webhookId);
    if (!before.some((r) => r.id === grantId)) throw errors.notFound('Grant', grantId);
    await deleteGrants(trx, [grantId]);
    await auditChange(trx, principal, now, 'grant.remove', 'webhook_grant', webhookId, grantSetSnapshot(before), grantSetSnapshot(before.filter((r) => r.id !== grantId)));
  });
}

/**
 * Removes every grant naming a member or group that is being deleted (inside the caller's
 * transaction), recording one 'grant.remove' per webhook so the audit log shows who lost what.
 */
export async function removeGrantsOf(trx: Kysely<Database>, principal: Principal, now: number, subject: { memberId: string } | { groupId: string }): Promise<void> {
  const doomed = await grantsOfSubject(trx, subject);
  for (const webhookId of new Set(doomed.map((g) => g.webhook_id))) {
    const before = await grantRows(trx, webhookId);
    const ids = new Set(doomed.filter((g) => g.webhook_id === webhookId).map((g) => g.id));
    await deleteGrants(trx, [...ids]);
    await auditChange(trx, principal, now, 'grant.remove', 'webhook_grant', webhookId, grantSetSnapshot(before), grantSetSnapshot(before.filter((r) => !ids.has(r.id))));
  }
}
