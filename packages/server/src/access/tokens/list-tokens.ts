import type { AppContext } from '../../context.js';
import { errors } from '../../errors.js';
import { existingMemberIds } from '../members/store.js';
import type { Principal } from '../principal.js';
import type { ApiToken } from './schemas.js';
import { activeTokens, toApiToken } from './store.js';

/** A member's active tokens: prefix, label and last use, never the token. */
export async function listTokens(ctx: AppContext, principal: Principal, memberId: string): Promise<{ items: ApiToken[] }> {
  if (!(await existingMemberIds(ctx.store.db, principal.workspaceId, [memberId])).has(memberId)) throw errors.notFound('Member', memberId);
  return { items: (await activeTokens(ctx.store.db, memberId)).map(toApiToken) };
}
