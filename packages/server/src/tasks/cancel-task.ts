import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { auditTask } from './audit-task.js';
import { isCancellable, type Task, type TaskStatus } from './model.js';
import { readTaskFor } from './read-task.js';
import { cancelTaskRow, findTask, toTask } from './store.js';

/**
 * Cancels a pending or sending task: no further page is enqueued and its batches not yet sent are
 * cancelled; a batch being sent at this moment finishes. TASK_NOT_CANCELLABLE once it has ended.
 */
export async function cancelTask(ctx: AppContext, principal: Principal, id: string): Promise<Task> {
  const existing = await readTaskFor(ctx, principal, id);
  if (!isCancellable(existing.status as TaskStatus)) throw errors.taskNotCancellable(existing.status);
  const cancelled = await ctx.store.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    if (!(await cancelTaskRow(trx, principal.workspaceId, id, now))) return undefined;
    const task = toTask((await findTask(trx, principal.workspaceId, id))!, now);
    // "before" is the task as read before the transaction: a runner may have moved its counters since, never its settings.
    await auditTask(trx, principal, { action: 'cancel', id, before: toTask(existing, now), after: task, at: now });
    return task;
  });
  if (cancelled) return cancelled;
  const current = await readTaskFor(ctx, principal, id);
  throw errors.taskNotCancellable(current.status);
}
