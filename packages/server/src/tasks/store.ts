import type { Kysely } from 'kysely';
import { nameContains } from '../store/queries.js';
import type { Database, TaskRow } from '../store/schema.js';
import { isDeletable, isEditable, type Task, type TaskDraft, type TaskFailure, type TaskSchedule, type TaskStatus } from './model.js';
import type { MissingVariable } from './variables.js';

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

function parseJson<T>(json: string | null, fallback: T): T {
  if (json === null) return fallback;
  try {
    return JSON.parse(json) as T;
  } catch {
    return fallback;
  }
}

/** A task row as the API shows it at `now` (editable and deletable depend on the time). */
export function toTask(row: TaskRow, now: number): Task {
  const status = row.status as TaskStatus;
  return {
    id: row.id,
    name: row.name,
    audienceId: row.audience_id,
    webhookId: row.webhook_id,
    idType: row.id_type,
    batchSize: row.batch_size,
    params: parseJson<Record<string, string>>(row.params, {}),
    missingVariable: parseJson<MissingVariable>(row.missing_variable, 'skip'),
    schedule: parseJson<TaskSchedule>(row.schedule, { type: 'now' }),
    sendAt: iso(row.send_at),
    status,
    failure: parseJson<TaskFailure | null>(row.failure, null),
    editable: isEditable(status, row.send_at, now),
    deletable: isDeletable(status, row.send_at, now),
    createdBy: row.created_by,
    version: row.version,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    startedAt: isoOrNull(row.started_at),
    finishedAt: isoOrNull(row.finished_at),
  };
}

/** The columns a draft sets (create and edit). */
export function draftColumns(draft: TaskDraft): Pick<TaskRow, 'name' | 'audience_id' | 'webhook_id' | 'id_type' | 'batch_size' | 'params' | 'missing_variable' | 'schedule' | 'send_at'> {
  return {
    name: draft.name,
    audience_id: draft.audienceId,
    webhook_id: draft.webhookId,
    id_type: draft.idType,
    batch_size: draft.batchSize,
    params: JSON.stringify(draft.params),
    missing_variable: JSON.stringify(draft.missingVariable),
    schedule: JSON.stringify(draft.schedule),
    send_at: draft.sendAt,
  };
}

/** One task of the workspace, or undefined. */
export async function findTask(db: Kysely<Database>, workspaceId: string, id: string): Promise<TaskRow | undefined> {
  return db.selectFrom('tasks').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

/**
 * Registers the task as a user of its webhook and audience, which then refuse deletion (call in the
 * task's transaction; a webhook or audience deleted meanwhile fails it with a foreign-key violation).
 */
export async function writeUsages(db: Kysely<Database>, task: Pick<TaskRow, 'id' | 'name' | 'webhook_id' | 'audience_id'>): Promise<void> {
  await removeUsages(db, task.id);
  await db.insertInto('webhook_usages').values({ webhook_id: task.webhook_id, owner_kind: 'task', owner_id: task.id, owner_name: task.name }).execute();
  await db.insertInto('audience_usages').values({ audience_id: task.audience_id, owner_kind: 'task', owner_id: task.id, owner_name: task.name }).execute();
}

/** Removes the task's usage rows (call in the task's transaction). */
export async function removeUsages(db: Kysely<Database>, taskId: string): Promise<void> {
  await db.deleteFrom('webhook_usages').where('owner_kind', '=', 'task').where('owner_id', '=', taskId).execute();
  await db.deleteFrom('audience_usages').where('owner_kind', '=', 'task').where('owner_id', '=', taskId).execute();
}

export async function insertTask(db: Kysely<Database>, row: TaskRow): Promise<void> {
  await db.insertInto('tasks').values(row).execute();
  await writeUsages(db, row);
}

/** Replaces a pending task's draft if it is still at `expectedVersion` and due after `editableBefore`; false otherwise. */
export async function updatePendingTask(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
  expectedVersion: number,
  draft: TaskDraft,
  guard: { dueAfter: number; now: number },
): Promise<boolean> {
  const result = await db
    .updateTable('tasks')
    .set({ ...draftColumns(draft), version: expectedVersion + 1, updated_at: guard.now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .where('status', '=', 'pending')
    .where('send_at', '>', guard.dueAfter)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Deletes a task still at `expectedVersion` (the caller has checked the rules on that version); false otherwise. */
export async function deleteTaskRow(db: Kysely<Database>, workspaceId: string, id: string, expectedVersion: number, pendingDueAfter: number): Promise<boolean> {
  const result = await db
    .deleteFrom('tasks')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    // The runner claims without bumping the version: re-check the status rule in the same statement.
    .where((eb) => eb.or([eb('status', 'in', ['finished', 'failed', 'cancelled']), eb.and([eb('status', '=', 'pending'), eb('send_at', '>', pendingDueAfter)])]))
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * Cancels a pending or sending task and its batches that have not been sent yet (call in a
 * transaction); false when the task had already ended. A batch being sent right now finishes.
 */
export async function cancelTaskRow(db: Kysely<Database>, workspaceId: string, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('tasks')
    .set((eb) => ({ status: 'cancelled', lease_owner: null, lease_expires_at: null, finished_at: now, updated_at: now, version: eb('version', '+', 1) }))
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('status', 'in', ['pending', 'sending'])
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  await cancelPendingBatches(db, id, now);
  return true;
}

/** Marks the task's batches that wait (pending) cancelled; returns how many. */
export async function cancelPendingBatches(db: Kysely<Database>, taskId: string, now: number): Promise<number> {
  const result = await db
    .updateTable('delivery_batches')
    .set({ status: 'cancelled', updated_at: now, finished_at: now })
    .where('task_id', '=', taskId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** List filters; all optional. */
export interface TaskFilter {
  status?: TaskStatus | undefined;
  webhookId?: string | undefined;
  audienceId?: string | undefined;
  search?: string | undefined;
  /** Only tasks of these webhooks (what a non-administrator may use); undefined means all. */
  webhookIds?: readonly string[] | undefined;
}

/** A page of the workspace's tasks, newest first, with the total. */
export async function listTasks(db: Kysely<Database>, workspaceId: string, filter: TaskFilter, page: number, pageSize: number): Promise<{ rows: TaskRow[]; total: number }> {
  if (filter.webhookIds !== undefined && filter.webhookIds.length === 0) return { rows: [], total: 0 };
  let query = db.selectFrom('tasks').where('workspace_id', '=', workspaceId);
  if (filter.webhookIds !== undefined) query = query.where('webhook_id', 'in', [...filter.webhookIds]);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.webhookId !== undefined) query = query.where('webhook_id', '=', filter.webhookId);
  if (filter.audienceId !== undefined) query = query.where('audience_id', '=', filter.audienceId);
  const search = filter.search?.trim();
  if (search) query = query.where(nameContains(search));
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** One user of an audience (IDs and attributes parsed), or undefined. */
export async function findAudienceUser(db: Kysely<Database>, audienceId: string, customerId: string): Promise<{ ids: Record<string, string>; attributes: Record<string, string> } | undefined> {
  const row = await db.selectFrom('audience_users').select(['ids', 'attributes']).where('audience_id', '=', audienceId).where('customer_id', '=', customerId).executeTakeFirst();
  return row && { ids: parseJson<Record<string, string>>(row.ids, {}), attributes: parseJson<Record<string, string>>(row.attributes, {}) };
}
