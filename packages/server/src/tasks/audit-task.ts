import type { Kysely } from 'kysely';
import type { Principal } from '../access/principal.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Database } from '../store/schema.js';
import type { Task } from './model.js';

/** Task changes the audit log records. */
export type TaskAction = 'create' | 'update' | 'delete' | 'cancel';

/** Records a task change in the caller's transaction; snapshots are the API's view of the task. */
export function auditTask(
  trx: Kysely<Database>,
  principal: Principal,
  change: { action: TaskAction; id: string; before: Task | null; after: Task | null; at: number },
): Promise<void> {
  return recordAudit(trx, {
    workspaceId: principal.workspaceId,
    actorId: principal.memberId,
    action: change.action,
    resourceType: 'task',
    resourceId: change.id,
    before: change.before,
    after: change.after,
    at: change.at,
  });
}
