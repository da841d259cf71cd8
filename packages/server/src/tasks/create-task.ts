import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { newId } from '../shared/ids.js';
import { isForeignKeyViolation } from '../store/queries.js';
import { auditTask } from './audit-task.js';
import type { Task } from './model.js';
import type { TaskInput } from './schemas.js';
import { draftColumns, findTask, insertTask, toTask } from './store.js';
import { validatedTask } from './validate-task.js';
import { raiseSignal } from '../shared/signals.js';

/** Creates a pending task (due now or at its time) and registers its use of the webhook and audience. */
export async function createTask(ctx: AppContext, principal: Principal, input: TaskInput): Promise<Task> {
  const { draft } = await validatedTask(ctx, principal, input);
  const now = ctx.clock.now();
  const id = newId('task', now);
  let created: Task;
  try {
    created = await ctx.store.db.transaction().execute(async (trx) => {
      await insertTask(trx, {
        id,
        workspace_id: principal.workspaceId,
        ...draftColumns(draft),
        status: 'pending',
        failure: null,
        created_by: principal.memberId,
        lease_owner: null,
        lease_expires_at: null,
        cursor: null,
        all_enqueued: 0,
        audience_size: null,
        users_read: 0,
        users_enqueued: 0,
        batches_enqueued: 0,
        skipped_no_id: 0,
        skipped_missing_variable: 0,
        version: 1,
        created_at: now,
        updated_at: now,
        started_at: null,
        finished_at: null,
      });
      const task = toTask((await findTask(trx, principal.workspaceId, id))!, now);
      await auditTask(trx, principal, { action: 'create', id, before: null, after: task, at: now });
      return task;
    });
  } catch (error) {
    // The webhook or audience was deleted since validation: validating again names it.
    if (isForeignKeyViolation(error)) await validatedTask(ctx, principal, input);
    throw error;
  }
  // A task due now starts without waiting for the runner's next poll.
  raiseSignal(ctx.store, 'tasks');
  return created;
}
