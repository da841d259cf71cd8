import type { AppContext } from '../../context.js';
import { isForeignKeyViolation } from '../../store/queries.js';
import { auditChange } from '../audit.js';
import type { Principal } from '../principal.js';
import { refusingDuplicates } from '../unique-name.js';
import { checkGroup, groupSnapshot } from './check-group.js';
import { readGroup } from './read-group.js';
import type { GroupInput, MemberGroup } from './schemas.js';
import { renameGroup, replaceGroupMembers } from './store.js';

/** Replaces a group's name and members; grants by group follow the new members from their next request. */
export async function editGroup(ctx: AppContext, principal: Principal, id: string, input: GroupInput): Promise<MemberGroup> {
  const now = ctx.clock.now();
  try {
    await refusingDuplicates('member group', 'name', input.name, () =>
      ctx.store.db.transaction().execute(async (trx) => {
        const before = await readGroup(trx, principal.workspaceId, id);
        await checkGroup(trx, principal.workspaceId, input, id);
        await renameGroup(trx, principal.workspaceId, id, input.name, now);
        await replaceGroupMembers(trx, id, input.memberIds);
        await auditChange(trx, principal, now, 'member_group.update', 'member_group', id, groupSnapshot({ id, name: before.name, memberIds: before.members.map((m) => m.id) }), groupSnapshot({ id, ...input }));
      }),
    );
  } catch (error) {
    if (isForeignKeyViolation(error)) await checkGroup(ctx.store.db, principal.workspaceId, input, id);
    throw error;
  }
  return readGroup(ctx.store.db, principal.workspaceId, id);
}
