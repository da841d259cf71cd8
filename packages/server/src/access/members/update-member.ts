import type { AppContext } from '../../context.js';
import { errors } from '../../errors.js';
import { isForeignKeyViolation } from '../../store/queries.js';
import { auditChange } from '../audit.js';
import { ADMIN_MEMBER_ID } from '../bootstrap.js';
import type { Principal } from '../principal.js';
import { refusingDuplicates } from '../unique-name.js';
import { checkMember } from './check-member.js';
import { memberSnapshot, readMember } from './read-member.js';
import type { Member, MemberInput } from './schemas.js';
import { replaceMemberRoles, updateMember } from './store.js';

/** Replaces a member's name, email, administrator flag and roles; the change counts from their next request. */
export async function editMember(ctx: AppContext, principal: Principal, id: string, input: MemberInput): Promise<Member> {
  const now = ctx.clock.now();
  try {
    await refusingDuplicates('member', 'email', input.email.trim().toLowerCase(), () =>
      ctx.store.db.transaction().execute(async (trx) => {
        const before = await readMember(trx, principal.workspaceId, id);
        const draft = await checkMember(trx, principal.workspaceId, input, id);
        if (id === ADMIN_MEMBER_ID && !draft.admin) throw errors.builtInAdmin('made a non-administrator');
        await updateMember(trx, principal.workspaceId, id, { name: draft.name, email: draft.email, admin: draft.admin ? 1 : 0 }, now);
        await replaceMemberRoles(trx, id, draft.roleIds);
        await auditChange(trx, principal, now, 'member.update', 'member', id, memberSnapshot(before), memberSnapshot({ ...before, ...draft, roles: draft.roleIds.map((r) => ({ id: r })) }));
      }),
    );
  } catch (error) {
    if (isForeignKeyViolation(error)) await checkMember(ctx.store.db, principal.workspaceId, input, id);
    throw error;
  }
  return readMember(ctx.store.db, principal.workspaceId, id);
}
