import type { FastifyRequest } from 'fastify';
import { errors } from '../errors.js';
import type { Clock } from '../shared/clock.js';
import type { Store } from '../store/database.js';
import type { Principal } from './principal.js';
import { hashToken } from './tokens.js';

/** How stale `last_used_at` may get before a request refreshes it (saves a write per request). */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Finds the member holding `token`, or undefined when the token is unknown or revoked or its
 * member deleted. Throws MEMBER_DISABLED for a disabled member's token: a clearer answer than 401.
 */
export async function findPrincipalByToken(store: Store, clock: Clock, token: string): Promise<Principal | undefined> {
  const row = await store.db
    .selectFrom('api_tokens')
    .innerJoin('members', 'members.id', 'api_tokens.member_id')
    .select(['api_tokens.id as token_id', 'api_tokens.last_used_at', 'members.id', 'members.workspace_id', 'members.name', 'members.email', 'members.admin', 'members.enabled'])
    .where('api_tokens.token_hash', '=', hashToken(token))
    .where('api_tokens.revoked_at', 'is', null)
    .where('members.deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.enabled !== 1) throw errors.memberDisabled();
  const now = clock.now();
  if (row.last_used_at === null || now - row.last_used_at > LAST_USED_RESOLUTION_MS) {
    await store.db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.token_id).execute();
  }
  return { memberId: row.id, workspaceId: row.workspace_id, name: row.name, email: row.email, admin: row.admin === 1 };
}

/** A preHandler that requires `Authorization: Bearer <token>` and sets `request.principal`. */
export function authenticate(store: Store, clock: Clock) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S{1,512})\s*$/i.exec(header) : null;
    if (!match) throw errors.unauthorized();
    const principal = await findPrincipalByToken(store, clock, match[1]!);
    if (!principal) throw errors.unauthorized();
    request.principal = principal;
  };
}

/** Throws 403 ADMIN_REQUIRED unless the caller is an administrator; configuration is for administrators. */
export function requireAdmin(request: FastifyRequest): void {
  if (!request.principal.admin) throw errors.adminRequired();
}

/** Throws 403 ADMIN_REQUIRED unless the caller is an administrator or the member `memberId` itself. */
export function requireAdminOrSelf(request: FastifyRequest, memberId: string): void {
  if (!request.principal.admin && request.principal.memberId !== memberId) throw errors.adminRequired();
}
