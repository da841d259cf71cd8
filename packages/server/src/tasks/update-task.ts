import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { ifMatchAllows } from '../http/etag.js';
import { isForeignKeyViolation } from '../store/queries.js';
import type { TaskRow } from '../store/schema.js';
import { auditTask } from './audit-task.js';
import { EDIT_CUTOFF_MS, isEditable, type Task, type TaskStatus } from './model.js';
import { readTaskFor } from './read-task.js';
import type { TaskInput } from './schemas.js';
import { findTask, toTask, updatePendingTask, writeUsages } from './store.js';
import { validatedTask } from './validate-task.js';

/** Throws why `row` may not be edited at `now`, if it may not. */
export function refuseIfNotEditable(row: TaskRow, now: number): void {
  if (isEditable(row.status as TaskStatus, row.send_at, now)) return;
  if (row.status !== 'pending') throw errors.taskNotEditable(`it is ${row.status}`);
  const schedule = JSON.parse(row.schedule) as { type: string };
  if (schedule.type === 'now') throw errors.taskNotEditable('it is scheduled to send now');
  throw errors.taskNotEditable(`its send time ${new Date(row.send_at).toISOString()} is less than 10 minutes away`);
}

/** Edits a pending task more than 10 minutes before its send time (full replacement; honours If-Match). */
export async function updateTask(ctx: AppContext, principal: Principal, id: string, input: TaskInput, ifMatch: string | string[] | undefined): Promise<Task> {
  const existing = await readTaskFor(ctx, principal, id);
  if (!ifMatchAllows(ifMatch, existing.version)) throw errors.preconditionFailed('task');
  refuseIfNotEditable(existing, ctx.clock.now());
  const { draft } = await validatedTask(ctx, principal, input);
  const before = toTask(existing, ctx.clock.now());
  let updated: Task | undefined;
  try {
    updated = await ctx.store.db.transaction().execute(async (trx) => {
      const now = ctx.clock.now();
      if (!(await updatePendingTask(trx, principal.workspaceId, id, existing.version, draft, { dueAfter: now + EDIT_CUTOFF_MS, now }))) return undefined;
      const row = (await findTask(trx, principal.workspaceId, id))!;
      await writeUsages(trx, row);
      const task = toTask(row, now);
      await auditTask(trx, principal, { action: 'update', id, before, after: task, at: now });
      return task;
    });
  } catch (error) {
    if (isForeignKeyViolation(error)) await validatedTask(ctx, principal, input);
    throw error;
  }
  if (updated) return updated;
  // Something changed since the read: explain with the current state.
  const current = await readTaskFor(ctx, principal, id);
  refuseIfNotEditable(current, ctx.clock.now());
  throw ifMatch !== undefined && ifMatch !== '*' ? errors.preconditionFailed('task') : errors.concurrentModification('task');
}
