import type { Kysely } from 'kysely';
import type { Principal } from '../access/principal.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Database } from '../store/schema.js';
import type { ParameterView } from './model.js';

/**
 * Records a parameter change in the caller's transaction. The snapshots are the API's view, so an
 * interface key appears only as `keySet`.
 */
export function auditParameter(
  trx: Kysely<Database>,
  principal: Principal,
  change: { action: 'create' | 'update' | 'delete'; id: string; before: ParameterView | null; after: ParameterView | null; at: number },
): Promise<void> {
  return recordAudit(trx, {
    workspaceId: principal.workspaceId,
    actorId: principal.memberId,
    action: change.action,
    resourceType: 'parameter',
    resourceId: change.id,
    before: change.before,
    after: change.after,
    at: change.at,
  });
}
