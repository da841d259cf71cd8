import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { ApiToken } from './schemas.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** A token row without its hash: all that anything but authentication may read. */
export interface TokenRecord {
  id: string;
  member_id: string;
  name: string;
  prefix: string;
  created_at: number;
  last_used_at: number | null;
}

const COLUMNS = ['id', 'member_id', 'name', 'prefix', 'created_at', 'last_used_at'] as const;

export function toApiToken(row: TokenRecord): ApiToken {
  return { id: row.id, name: row.name, prefix: row.prefix, createdAt: iso(row.created_at), lastUsedAt: row.last_used_at === null ? null : iso(row.last_used_at) };
}

/** A member's tokens that are not revoked, oldest first. */
export async function activeTokens(db: Kysely<Database>, memberId: string): Promise<TokenRecord[]> {
  return db.selectFrom('api_tokens').select(COLUMNS).where('member_id', '=', memberId).where('revoked_at', 'is', null).orderBy('created_at').orderBy('id').execute();
}

export async function insertToken(db: Kysely<Database>, row: TokenRecord & { token_hash: string }): Promise<void> {
  await db.insertInto('api_tokens').values({ ...row, revoked_at: null }).execute();
}

/** Revokes the member's tokens (all, or the one `tokenId`) that are not revoked yet; returns what it revoked. */
export async function revokeTokens(db: Kysely<Database>, memberId: string, now: number, tokenId?: string): Promise<TokenRecord[]> {
  let query = db.updateTable('api_tokens').set({ revoked_at: now }).where('member_id', '=', memberId).where('revoked_at', 'is', null);
  if (tokenId !== undefined) query = query.where('id', '=', tokenId);
  return query.returning(COLUMNS).execute();
}
