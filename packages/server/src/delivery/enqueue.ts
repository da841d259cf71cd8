import { MAX_BATCH_SIZE, type UserMessageInput } from '@hookreach/protocol';
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { AppContext } from '../context.js';
import { errors, type FieldError } from '../errors.js';
import type { Dialect } from '../store/dialect.js';
import { dialectText } from '../store/queries.js';
import type { Database } from '../store/schema.js';
import { buildOutboxChunk, outboxCommonOf, type EnqueuedBatch } from './build-batches.js';
import { notifyEnqueued } from './notify.js';
import { insertOutboxChunk } from './outbox.js';
import { maxAttemptsOf } from './retry-policy.js';

/** What a batch is sent for: a Reach Marketing task or an Automated Marketing journey node. */
export type DeliveryRunKind = 'task' | 'journey';
export type { EnqueuedBatch } from './build-batches.js';
export const DELIVERY_RUN_KINDS: readonly DeliveryRunKind[] = ['task', 'journey'];

/** Batches of users to send to one webhook. */
export interface EnqueueInput {
  workspaceId: string;
  webhookId: string;
  runKind: DeliveryRunKind;
  /** Required when runKind is 'task'. */
  taskId?: string | null;
  /** Required when runKind is 'journey'. */
  journeyId?: string | null;
  /** Sent as callback_params.nodeId (journeys). */
  nodeId?: string | null;
  /**
   * Each inner array is one POST body of 1..100 users. The engine fills callback_params (webhook_id,
   * send_time, nodeId, batchId, actionId, customerId); only `callback_params.instanceId` is taken from the input.
   */
  batches: readonly (readonly UserMessageInput[])[];
  /** When the first attempt is due (epoch ms); default now. */
  notBefore?: number;
}

/** Batches built per round of inserts, so memory holds one chunk of bodies, not the whole call's. */
const BUILD_CHUNK = 500;

/**
 * Writes batches to the outbox (one transaction: all or nothing) and wakes this process's dispatcher.
 * Each body is serialised once here, so every attempt sends the same bytes. Throws VALIDATION for
 * batch sizes outside 1..100, a missing task/journey id or values that cannot be sent; NOT_FOUND for
 * a webhook outside the workspace. Batches of a disabled webhook wait until it is enabled again.
 */
export async function enqueueBatches(ctx: AppContext, input: EnqueueInput): Promise<EnqueuedBatch[]> {
  checkInput(input);
  await assertWebhookInWorkspace(ctx.store.db, ctx.store.dialect, input);
  if (input.batches.length === 0) return [];
  const enqueued = await ctx.store.db.transaction().execute((trx) => writeBatches(ctx, trx, input));
  notifyEnqueued(ctx.store, [input.webhookId]);
  return enqueued;
}

/**
 * The same write inside the caller's transaction, so it commits or rolls back with the caller's own
 * writes (a task's page and its cursor). The caller wakes the dispatcher after its commit with
 * `notifyEnqueued(ctx.store, [webhookId])`.
 */
export async function enqueueBatchesInTransaction(ctx: AppContext, trx: Transaction<Database>, input: EnqueueInput): Promise<EnqueuedBatch[]> {
  checkInput(input);
  await assertWebhookInWorkspace(trx, ctx.store.dialect, input);
  if (input.batches.length === 0) return [];
  return writeBatches(ctx, trx, input);
}

/** Throws NOT_FOUND unless the webhook is in the workspace (checked in the transaction that enqueues for it). */
export async function assertWebhookInWorkspace(db: Kysely<Database>, dialect: Dialect, input: Pick<EnqueueInput, 'webhookId' | 'workspaceId'>): Promise<void> {
  const { rows } = await db.executeQuery(CompiledQuery.raw(WEBHOOK_IN_WORKSPACE[dialect], [input.webhookId, input.workspaceId]));
  if (rows.length === 0) throw errors.notFound('Webhook', input.webhookId);
}

// Text, not built per call: a task checks it with every page (building it was 0.7% of the event loop's CPU during the million-user task's sends).
const WEBHOOK_IN_WORKSPACE = dialectText('select id from webhooks where id = ? and workspace_id = ?');

async function writeBatches(ctx: AppContext, trx: Transaction<Database>, input: EnqueueInput): Promise<EnqueuedBatch[]> {
  const common = outboxCommonOf(input, maxAttemptsOf(ctx.config.delivery.retryScheduleMs), ctx.clock.now());
  const enqueued: EnqueuedBatch[] = new Array(input.batches.length);
  // PostgreSQL inserts one chunk while this process builds the next.
  let inserting: Promise<void> = Promise.resolve();
  try {
    for (let start = 0; start < input.batches.length; start += BUILD_CHUNK) {
      const chunk = buildOutboxChunk(input.batches, start, Math.min(start + BUILD_CHUNK, input.batches.length), common, enqueued);
      await inserting;
      inserting = insertOutboxChunk(trx, ctx.store.dialect, common, chunk);
    }
    await inserting;
  } catch (error) {
    await inserting.catch(() => {}); // settle the insert in flight before the rollback
    throw error;
  }
  return enqueued;
}

function checkInput(input: EnqueueInput): void {
  const details: FieldError[] = [];
  if (!DELIVERY_RUN_KINDS.includes(input.runKind)) details.push({ path: 'runKind', message: `must be one of ${DELIVERY_RUN_KINDS.join(', ')}` });
  if (input.runKind === 'task' && !input.taskId) details.push({ path: 'taskId', message: 'is required for a task' });
  if (input.runKind === 'journey' && !input.journeyId) details.push({ path: 'journeyId', message: 'is required for a journey' });
  if (input.notBefore !== undefined && !Number.isSafeInteger(input.notBefore)) details.push({ path: 'notBefore', message: 'must be epoch milliseconds' });
  if (!Array.isArray(input.batches)) {
    details.push({ path: 'batches', message: 'must be an array of batches' });
  } else {
    input.batches.forEach((users, i) => {
      const size = Array.isArray(users) ? users.length : -1;
      if (size < 1 || size > MAX_BATCH_SIZE) {
        details.push({ path: `batches[${i}]`, message: `a batch holds 1 to ${MAX_BATCH_SIZE} users, got ${size < 0 ? 'no array' : size}` });
      }
    });
  }
  if (details.length > 0) throw errors.validation(details);
}
