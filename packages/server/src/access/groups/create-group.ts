import type { AppContext } from '../../context.js';
import { newId } from '../../shared/ids.js';
import { isForeignKeyViolation } from '../../store/queries.js';
import { auditChange } from '../audit.js';
import type { Principal } from '../principal.js';
import { refusingDuplicates } from '../unique-name.js';
import { checkGroup, groupSnapshot } from './check-group.js';
import { readGroup } from './read-group.js';
import type { GroupInput, MemberGroup } from './schemas.js';
import { insertGroup, replaceGroupMembers } from './store.js';

/** Creates a member group; its name is unique in the workspace (409). */
export async function createGroup(ctx: AppContext, principal: Principal, input: GroupInput): Promise<MemberGroup> {
  const now = ctx.clock.now();
  const id = newId('grp', now);
  try {
    await refusingDuplicates('member group', 'name', input.name, () =>
      ctx.store.db.transaction().execute(async (trx) => {
        await checkGroup(trx, principal.workspaceId, input);
        await insertGroup(trx, { id, workspace_id: principal.workspaceId, name: input.name, created_at: now, updated_at: now });
        await replaceGroupMembers(trx, id, input.memberIds);
        await auditChange(trx, principal, now, 'member_group.create', 'member_group', id, null, groupSnapshot({ id, ...input }));
      }),
    );
  } catch (error) {
    if (isForeignKeyViolation(error)) await checkGroup(ctx.store.db, principal.workspaceId, input);
    throw error;
  }
  return readGroup(ctx.store.db, principal.workspaceId, id);
}
