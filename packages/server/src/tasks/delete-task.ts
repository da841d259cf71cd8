import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { ifMatchAllows } from '../http/etag.js';
import type { TaskRow } from '../store/schema.js';
import { auditTask } from './audit-task.js';
import { EDIT_CUTOFF_MS, isDeletable, type TaskStatus } from './model.js';
import { readTaskFor } from './read-task.js';
import { deleteTaskRow, removeUsages, toTask } from './store.js';

function refuseIfNotDeletable(row: TaskRow, now: number): void {
  if (isDeletable(row.status as TaskStatus, row.send_at, now)) return;
  if (row.status === 'sending') throw errors.taskNotDeletable('it is sending; cancel it first');
  throw errors.taskNotDeletable(`it is due at ${new Date(row.send_at).toISOString()}, less than 10 minutes away (cancel it instead)`);
}

/**
 * Deletes a task that has ended (finished, failed, cancelled) or is pending more than 10 minutes
 * before its send time, and its use of the webhook and audience. Its delivery records stay (they
 * name the task id) until the webhook is deleted.
 */
export async function deleteTask(ctx: AppContext, principal: Principal, id: string, ifMatch: string | string[] | undefined): Promise<void> {
  const existing = await readTaskFor(ctx, principal, id);
  if (!ifMatchAllows(ifMatch, existing.version)) throw errors.preconditionFailed('task');
  refuseIfNotDeletable(existing, ctx.clock.now());
  const deleted = await ctx.store.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    if (!(await deleteTaskRow(trx, principal.workspaceId, id, existing.version, now + EDIT_CUTOFF_MS))) return false;
    await removeUsages(trx, id);
    await auditTask(trx, principal, { action: 'delete', id, before: toTask(existing, now), after: null, at: now });
    return true;
  });
  if (deleted) return;
  const current = await readTaskFor(ctx, principal, id);
  refuseIfNotDeletable(current, ctx.clock.now());
  throw errors.concurrentModification('task');
}
