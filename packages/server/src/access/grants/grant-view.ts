import type { WebhookGrantRow } from '../../store/schema.js';
import type { Grant, GrantMethod } from './schemas.js';
import type { NamedGrantRow } from './store.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** A grant as reads answer it, with its status at `now`. */
export function toGrant(row: NamedGrantRow, now: number): Grant {
  const grant: Grant = {
    id: row.id,
    name: row.subject_name,
    validFrom: iso(row.valid_from),
    validUntil: iso(row.valid_until),
    status: now < row.valid_from ? 'pending' : now < row.valid_until ? 'active' : 'expired',
    createdAt: iso(row.created_at),
  };
  if (row.member_id !== null) grant.memberId = row.member_id;
  if (row.group_id !== null) grant.groupId = row.group_id;
  return grant;
}

/** The method of a webhook's grants (they share one), or null when it has none. */
export function methodOf(rows: readonly WebhookGrantRow[]): GrantMethod | null {
  return (rows[0]?.method as GrantMethod | undefined) ?? null;
}

/** What the audit log keeps of a webhook's grants. */
export function grantSetSnapshot(rows: readonly WebhookGrantRow[]): { method: GrantMethod | null; grants: { id: string; memberId?: string; groupId?: string; validFrom: string; validUntil: string }[] } {
  return {
    method: methodOf(rows),
    grants: rows.map((r) => ({
      id: r.id,
      ...(r.member_id !== null ? { memberId: r.member_id } : {}),
      ...(r.group_id !== null ? { groupId: r.group_id } : {}),
      validFrom: iso(r.valid_from),
      validUntil: iso(r.valid_until),
    })),
  };
}
