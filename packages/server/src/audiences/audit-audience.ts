import type { Kysely } from 'kysely';
import type { Principal } from '../access/principal.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Database } from '../store/schema.js';
import type { Audience } from './schemas.js';

/** Audience changes the audit log records. */
export type AudienceAction = 'create' | 'delete' | 'import';

/** Records an audience change in the caller's transaction; snapshots are the API's view (an import adds its counts to `after`). */
export function auditAudience(
  trx: Kysely<Database>,
  principal: Principal,
  change: { action: AudienceAction; id: string; before: Audience | null; after: (Audience & { import?: object }) | null; at: number },
): Promise<void> {
  return recordAudit(trx, {
    workspaceId: principal.workspaceId,
    actorId: principal.memberId,
    action: change.action,
    resourceType: 'audience',
    resourceId: change.id,
    before: change.before,
    after: change.after,
    at: change.at,
  });
}
