import type { TokenRecord } from './store.js';

/** What the audit log keeps of a token: never the token or its hash. */
export function tokenSnapshot(row: TokenRecord): { id: string; memberId: string; name: string; prefix: string; createdAt: string } {
  return { id: row.id, memberId: row.member_id, name: row.name, prefix: row.prefix, createdAt: new Date(row.created_at).toISOString() };
}
