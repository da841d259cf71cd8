import type { Kysely } from 'kysely';
import type { Principal } from '../access/principal.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Database } from '../store/schema.js';
import type { Journey } from './model.js';

/** Journey changes the audit log records. */
export type JourneyAction = 'create' | 'update' | 'publish' | 'pause' | 'resume' | 'stop';

/** Records a journey change in the caller's transaction, with the journey before and after. */
export function auditJourney(
  trx: Kysely<Database>,
  principal: Principal,
  change: { action: JourneyAction; id: string; before: Journey | null; after: Journey; at: number },
): Promise<void> {
  return recordAudit(trx, {
    workspaceId: principal.workspaceId,
    actorId: principal.memberId,
    action: change.action,
    resourceType: 'journey',
    resourceId: change.id,
    before: change.before,
    after: change.after,
    at: change.at,
  });
}
