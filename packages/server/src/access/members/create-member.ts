import type { AppContext } from '../../context.js';
import { newId } from '../../shared/ids.js';
import { isForeignKeyViolation } from '../../store/queries.js';
import { auditChange } from '../audit.js';
import type { Principal } from '../principal.js';
import { refusingDuplicates } from '../unique-name.js';
import { checkMember } from './check-member.js';
import { memberSnapshot, readMember } from './read-member.js';
import type { Member, MemberInput } from './schemas.js';
import { insertMember, replaceMemberRoles } from './store.js';

/** Adds a member to the workspace (enabled, without tokens: create one with POST /members/{id}/tokens). */
export async function createMember(ctx: AppContext, principal: Principal, input: MemberInput): Promise<Member> {
  const now = ctx.clock.now();
  const id = newId('mem', now);
  try {
    await refusingDuplicates('member', 'email', input.email.trim().toLowerCase(), () =>
      ctx.store.db.transaction().execute(async (trx) => {
        const draft = await checkMember(trx, principal.workspaceId, input);
        await insertMember(trx, { id, workspace_id: principal.workspaceId, name: draft.name, email: draft.email, admin: draft.admin ? 1 : 0, created_at: now, updated_at: now });
        await replaceMemberRoles(trx, id, draft.roleIds);
        await auditChange(trx, principal, now, 'member.create', 'member', id, null, memberSnapshot({ id, ...draft, enabled: true, roles: draft.roleIds.map((r) => ({ id: r })) }));
      }),
    );
  } catch (error) {
    // A role deleted since the check: checking again names it.
    if (isForeignKeyViolation(error)) await checkMember(ctx.store.db, principal.workspaceId, input);
    throw error;
  }
  return readMember(ctx.store.db, principal.workspaceId, id);
}
