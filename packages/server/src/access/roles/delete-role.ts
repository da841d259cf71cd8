import type { AppContext } from '../../context.js';
import { auditChange } from '../audit.js';
import type { Principal } from '../principal.js';
import { readRole, roleSnapshot } from './read-role.js';
import { deleteRole } from './store.js';

/** Deletes a role; its members lose its permissions on their next request. */
export async function removeRole(ctx: AppContext, principal: Principal, id: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    const before = await readRole(trx, principal.workspaceId, id);
    await deleteRole(trx, principal.workspaceId, id);
    await auditChange(trx, principal, now, 'role.delete', 'role', id, { ...roleSnapshot(before), memberCount: before.memberCount }, null);
  });
}
