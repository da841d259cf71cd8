import type { Kysely } from 'kysely';
import type { Store } from '../store/database.js';
import type { Dialect } from '../store/dialect.js';
import type { Database, DeliveryAttemptRow, DeliveryBatchRow, DeliveryMessageRow } from '../store/schema.js';
import { latestReceipts, type LatestReceipt } from '../receipts/store.js';
import type { DeliveryRunKind } from './enqueue.js';
import type { DeliveryAttempt, DeliveryBatch, DeliveryError, DeliveryStatus, DeliveryUser } from './schemas.js';

/** Filters of the delivery list; all optional. */
export interface DeliveryFilter {
  webhookId?: string | undefined;
  taskId?: string | undefined;
  journeyId?: string | undefined;
  status?: DeliveryStatus | undefined;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

/** The batch columns the API shows: never the body. */
const BATCH_COLUMNS = [
  'id', 'webhook_id', 'run_kind', 'task_id', 'journey_id', 'node_id', 'user_count', 'status', 'attempts', 'max_attempts',
  'next_attempt_at', 'last_error', 'created_at', 'updated_at', 'finished_at',
] as const;
type BatchListRow = Pick<DeliveryBatchRow, (typeof BATCH_COLUMNS)[number]>;

/** Maps `last_error` JSON to its read shape; unreadable JSON reads as a bare error text. */
function toLastError(json: string | null): DeliveryError | null {
  if (json === null) return null;
  try {
    const raw = JSON.parse(json) as Record<string, unknown>;
    const error: DeliveryError = { at: iso(typeof raw.at === 'number' ? raw.at : 0) };
    if (typeof raw.httpStatus === 'number') error.httpStatus = raw.httpStatus;
    if (typeof raw.code === 'string') error.code = raw.code;
    if (typeof raw.message === 'string') error.message = raw.message;
    if (typeof raw.error === 'string') error.error = raw.error;
    if (typeof raw.retryAfterMs === 'number') error.retryAfterMs = raw.retryAfterMs;
    return error;
  } catch {
    return { at: iso(0), error: json };
  }
}

/** A batch row as the API shows it. */
export function toDeliveryBatch(row: BatchListRow): DeliveryBatch {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    runKind: row.run_kind as DeliveryRunKind,
    taskId: row.task_id,
    journeyId: row.journey_id,
    nodeId: row.node_id,
    userCount: row.user_count,
    status: row.status as DeliveryStatus,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    nextAttemptAt: row.status === 'pending' ? iso(row.next_attempt_at) : null,
    lastError: toLastError(row.last_error),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    finishedAt: isoOrNull(row.finished_at),
  };
}

function toAttempt(row: DeliveryAttemptRow): DeliveryAttempt {
  return {
    attempt: row.attempt,
    startedAt: iso(row.started_at),
    latencyMs: row.latency_ms,
    success: row.success === 1,
    retryable: row.retryable === 1,
    httpStatus: row.http_status,
    code: row.code,
    message: row.message,
    error: row.error,
  };
}

/** A user's status and send time, which follow its batch's: a user is never "sending" on its own. */
function userStatusOf(batch: DeliveryBatch): Pick<DeliveryUser, 'status' | 'sentAt'> {
  if (batch.status === 'succeeded') return { status: 'succeeded', sentAt: batch.finishedAt };
  return { status: batch.status === 'sending' ? 'pending' : batch.status, sentAt: null };
}

function toUser(row: DeliveryMessageRow, status: Pick<DeliveryUser, 'status' | 'sentAt'>, receipt: LatestReceipt | undefined): DeliveryUser {
  return {
    actionId: row.action_id,
    customerId: row.customer_id,
    targetType: row.target_type,
    targetId: row.target_id,
    ...status,
    receiptStatus: receipt?.status ?? null,
    receiptAt: isoOrNull(receipt?.receivedAt ?? null),
  };
}

/** A page of a workspace's batches, newest first, with the total. */
export async function listDeliveries(store: Store, workspaceId: string, filter: DeliveryFilter, page: number, pageSize: number): Promise<{ items: DeliveryBatch[]; total: number }> {
  let query = store.db.selectFrom('delivery_batches').where('workspace_id', '=', workspaceId);
  if (filter.webhookId !== undefined) query = query.where('webhook_id', '=', filter.webhookId);
  if (filter.taskId !== undefined) query = query.where('task_id', '=', filter.taskId);
  if (filter.journeyId !== undefined) query = query.where('journey_id', '=', filter.journeyId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  const [rows, count] = await Promise.all([
    query.select(BATCH_COLUMNS).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toDeliveryBatch), total: Number(count.n) };
}

/** One batch of the workspace, or undefined. */
export async function findDelivery(db: Kysely<Database>, workspaceId: string, id: string): Promise<DeliveryBatch | undefined> {
  const row = await db.selectFrom('delivery_batches').select(BATCH_COLUMNS).where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return row && toDeliveryBatch(row);
}

/** A batch's attempts in order and its users (in action id order) with their latest receipts. */
export async function deliveryHistory(db: Kysely<Database>, dialect: Dialect, batch: DeliveryBatch): Promise<{ attempts: DeliveryAttempt[]; users: DeliveryUser[] }> {
  const [attempts, users] = await Promise.all([
    db.selectFrom('delivery_attempts').selectAll().where('batch_id', '=', batch.id).orderBy('attempt').execute(),
    db.selectFrom('delivery_messages').selectAll().where('batch_id', '=', batch.id).orderBy('action_id').execute(),
  ]);
  const receipts = await latestReceipts(db, dialect, users.map((u) => ({ batchId: batch.id, actionId: u.action_id })));
  const status = userStatusOf(batch);
  return { attempts: attempts.map(toAttempt), users: users.map((u) => toUser(u, status, receipts.get(u.action_id))) };
}

/** Whether a batch still has its body (retention purges the bodies of finished batches). */
export async function hasBody(db: Kysely<Database>, batchId: string): Promise<boolean> {
  return (await db.selectFrom('delivery_bodies').select('batch_id').where('batch_id', '=', batchId).executeTakeFirst()) !== undefined;
}

/**
 * Puts a failed or cancelled batch back to pending, due now, with a fresh attempt budget (call in a
 * transaction); false when the batch is in another status (or gone).
 */
export async function requeueFinishedBatch(db: Kysely<Database>, workspaceId: string, id: string, maxAttempts: number, now: number): Promise<boolean> {
  const result = await db
    .updateTable('delivery_batches')
    .set({ status: 'pending', attempts: 0, max_attempts: maxAttempts, next_attempt_at: now, lease_owner: null, lease_expires_at: null, updated_at: now, finished_at: null })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('status', 'in', ['failed', 'cancelled'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
