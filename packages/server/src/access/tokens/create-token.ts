import type { AppContext } from '../../context.js';
import { errors } from '../../errors.js';
import { newId } from '../../shared/ids.js';
import { auditChange } from '../audit.js';
import { existingMemberIds } from '../members/store.js';
import type { Principal } from '../principal.js';
import { generateToken, hashToken, tokenPrefix } from '../tokens.js';
import type { CreatedToken, TokenInput } from './schemas.js';
import { activeTokens, insertToken } from './store.js';
import { tokenSnapshot } from './token-snapshot.js';

/** Active tokens a member may hold: enough for every script, few enough to review. */
export const MAX_ACTIVE_TOKENS = 20;

/** Creates an API token for a member; the token is in this answer only (the store keeps its SHA-256). */
export async function createToken(ctx: AppContext, principal: Principal, memberId: string, input: TokenInput): Promise<CreatedToken> {
  const now = ctx.clock.now();
  const token = generateToken();
  const row = { id: newId('tok', now), member_id: memberId, name: input.name ?? '', prefix: tokenPrefix(token), created_at: now, last_used_at: null };
  await ctx.store.db.transaction().execute(async (trx) => {
    if (!(await existingMemberIds(trx, principal.workspaceId, [memberId])).has(memberId)) throw errors.notFound('Member', memberId);
    if ((await activeTokens(trx, memberId)).length >= MAX_ACTIVE_TOKENS) throw errors.tooManyTokens(MAX_ACTIVE_TOKENS);
    await insertToken(trx, { ...row, token_hash: hashToken(token) });
    await auditChange(trx, principal, now, 'api_token.create', 'api_token', row.id, null, tokenSnapshot(row));
  });
  return { id: row.id, token, name: row.name, prefix: row.prefix, createdAt: new Date(now).toISOString() };
}
