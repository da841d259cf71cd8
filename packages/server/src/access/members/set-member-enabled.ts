import type { AppContext } from '../../context.js';
import { errors } from '../../errors.js';
import { auditChange } from '../audit.js';
import { ADMIN_MEMBER_ID } from '../bootstrap.js';
import type { Principal } from '../principal.js';
import { memberSnapshot, readMember } from './read-member.js';
import type { Member } from './schemas.js';
import { setMemberEnabled } from './store.js';

/**
 * Enables or disables a member (idempotent). A disabled member keeps tokens, roles and grants, but
 * every request with their tokens answers 403 MEMBER_DISABLED, and work scheduled in their name is refused.
 */
export async function changeMemberEnabled(ctx: AppContext, principal: Principal, id: string, enabled: boolean): Promise<Member> {
  const now = ctx.clock.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    const before = await readMember(trx, principal.workspaceId, id);
    if (id === ADMIN_MEMBER_ID && !enabled) throw errors.builtInAdmin('disabled');
    if (before.enabled === enabled) return;
    await setMemberEnabled(trx, principal.workspaceId, id, enabled, now);
    await auditChange(trx, principal, now, enabled ? 'member.enable' : 'member.disable', 'member', id, memberSnapshot(before), memberSnapshot({ ...before, enabled }));
  });
  return readMember(ctx.store.db, principal.workspaceId, id);
}
