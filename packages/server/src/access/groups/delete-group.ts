import type { AppContext } from '../../context.js';
import { auditChange } from '../audit.js';
import { removeGrantsOf } from '../grants/remove-grant.js';
import type { Principal } from '../principal.js';
import { groupSnapshot } from './check-group.js';
import { readGroup } from './read-group.js';
import { deleteGroup } from './store.js';

/** Deletes a member group with its grants (recorded per webhook); its members lose what the group gave them. */
export async function removeGroup(ctx: AppContext, principal: Principal, id: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    const before = await readGroup(trx, principal.workspaceId, id);
    await removeGrantsOf(trx, principal, now, { groupId: id });
    await deleteGroup(trx, principal.workspaceId, id);
    await auditChange(trx, principal, now, 'member_group.delete', 'member_group', id, groupSnapshot({ id, name: before.name, memberIds: before.members.map((m) => m.id) }), null);
  });
}
