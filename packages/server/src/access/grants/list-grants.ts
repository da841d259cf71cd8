import type { AppContext } from '../../context.js';
import { errors } from '../../errors.js';
import { webhookExists } from '../store.js';
import type { Principal } from '../principal.js';
import { methodOf, toGrant } from './grant-view.js';
import type { WebhookGrants } from './schemas.js';
import { grantRows } from './store.js';

/** A webhook's grants with their status now (expired ones too, until removed). */
export async function listGrants(ctx: AppContext, principal: Principal, webhookId: string): Promise<WebhookGrants> {
  if (!(await webhookExists(ctx.store.db, principal.workspaceId, webhookId))) throw errors.notFound('Webhook', webhookId);
  const rows = await grantRows(ctx.store.db, webhookId);
  const now = ctx.clock.now();
  return { webhookId, method: methodOf(rows), items: rows.map((r) => toGrant(r, now)) };
}
