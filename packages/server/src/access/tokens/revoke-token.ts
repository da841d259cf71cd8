import type { AppContext } from '../../context.js';
import { errors } from '../../errors.js';
import { auditChange } from '../audit.js';
import { existingMemberIds } from '../members/store.js';
import type { Principal } from '../principal.js';
import { revokeTokens } from './store.js';
import { tokenSnapshot } from './token-snapshot.js';

/** Revokes one of a member's tokens: the next request with it answers 401. */
export async function revokeToken(ctx: AppContext, principal: Principal, memberId: string, tokenId: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    if (!(await existingMemberIds(trx, principal.workspaceId, [memberId])).has(memberId)) throw errors.notFound('Member', memberId);
    const [revoked] = await revokeTokens(trx, memberId, now, tokenId);
    if (!revoked) throw errors.notFound('API token', tokenId);
    await auditChange(trx, principal, now, 'api_token.revoke', 'api_token', tokenId, tokenSnapshot(revoked), { ...tokenSnapshot(revoked), revokedAt: new Date(now).toISOString() });
  });
}
