import type { AppContext } from '../../context.js';
import { errors } from '../../errors.js';
import { auditChange } from '../audit.js';
import { ADMIN_MEMBER_ID } from '../bootstrap.js';
import { removeGrantsOf } from '../grants/remove-grant.js';
import type { Principal } from '../principal.js';
import { revokeTokens } from '../tokens/store.js';
import { tokenSnapshot } from '../tokens/token-snapshot.js';
import { memberSnapshot, readMember } from './read-member.js';
import { markMemberDeleted } from './store.js';

/**
 * Deletes a member: their tokens are revoked, their roles, group memberships and grants removed,
 * all in one transaction. The row stays, marked deleted, so history (audit log, test sends, tasks)
 * can still name them; reads answer 404 and the email can be used again.
 */
export async function deleteMember(ctx: AppContext, principal: Principal, id: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    const before = await readMember(trx, principal.workspaceId, id);
    if (id === ADMIN_MEMBER_ID) throw errors.builtInAdmin('deleted');
    for (const token of await revokeTokens(trx, id, now)) {
      await auditChange(trx, principal, now, 'api_token.revoke', 'api_token', token.id, tokenSnapshot(token), { ...tokenSnapshot(token), revokedAt: new Date(now).toISOString() });
    }
    await removeGrantsOf(trx, principal, now, { memberId: id });
    await markMemberDeleted(trx, principal.workspaceId, id, now);
    await auditChange(trx, principal, now, 'member.delete', 'member', id, { ...memberSnapshot(before), groupIds: before.groups.map((g) => g.id) }, null);
  });
}
