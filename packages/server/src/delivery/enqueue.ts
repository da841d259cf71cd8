import { buildUserMessage, MAX_BATCH_SIZE, serializeBatch, type UserMessageInput, type WebhookUserMessage } from '@hookreach/protocol';
import type { Kysely, Transaction } from 'kysely';
import type { AppContext } from '../context.js';
import { errors, type FieldError } from '../errors.js';
import { newIds } from '../shared/ids.js';
import type { Database } from '../store/schema.js';
import { notifyEnqueued } from './notify.js';
import { insertOutboxChunk, type OutboxChunk, type OutboxCommon } from './outbox.js';
import { maxAttemptsOf } from './retry-policy.js';

/** What a batch is sent for: a Reach Marketing task or an Automated Marketing journey node. */
export type DeliveryRunKind = 'task' | 'journey';
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

/** The identifiers a receiver will see: callback_params.batchId and, per user in input order, actionId. */
export interface EnqueuedBatch {
  batchId: string;
  actionIds: string[];
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
  await assertWebhookInWorkspace(ctx.store.db, input);
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
  await assertWebhookInWorkspace(trx, input);
  if (input.batches.length === 0) return [];
  return writeBatches(ctx, trx, input);
}

async function assertWebhookInWorkspace(db: Kysely<Database>, input: EnqueueInput): Promise<void> {
  const webhook = await db
    .selectFrom('webhooks')
    .select('id')
    .where('id', '=', input.webhookId)
    .where('workspace_id', '=', input.workspaceId)
    .executeTakeFirst();
  if (!webhook) throw errors.notFound('Webhook', input.webhookId);
}

async function writeBatches(ctx: AppContext, trx: Transaction<Database>, input: EnqueueInput): Promise<EnqueuedBatch[]> {
  const now = ctx.clock.now();
  const common: OutboxCommon = {
    workspaceId: input.workspaceId,
    webhookId: input.webhookId,
    runKind: input.runKind,
    taskId: input.taskId ?? null,
    journeyId: input.journeyId ?? null,
    nodeId: input.nodeId ?? null,
    maxAttempts: maxAttemptsOf(ctx.config.delivery.retryScheduleMs),
    due: input.notBefore ?? now,
    now,
  };
  const sendTime = String(now);
  const enqueued: EnqueuedBatch[] = new Array(input.batches.length);
  // PostgreSQL inserts one chunk while this process builds the next.
  let inserting: Promise<void> = Promise.resolve();
  try {
    for (let start = 0; start < input.batches.length; start += BUILD_CHUNK) {
      const chunk = buildChunk(input.batches, start, Math.min(start + BUILD_CHUNK, input.batches.length), common, sendTime, enqueued);
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

/** Builds batches [start, end): ids, bodies and message columns; records their ids in `enqueued`. */
function buildChunk(
  batches: EnqueueInput['batches'],
  start: number,
  end: number,
  common: OutboxCommon,
  sendTime: string,
  enqueued: EnqueuedBatch[],
): OutboxChunk {
  let userCount = 0;
  for (let i = start; i < end; i++) userCount += batches[i]!.length;
  const batchIds = newIds('bat', end - start, common.now);
  const actionIdPool = newIds('act', userCount, common.now);
  const chunk: OutboxChunk = {
    batchIds,
    userCounts: new Array(end - start),
    bodies: new Array(end - start),
    actionIds: actionIdPool,
    messageBatchIds: new Array(userCount),
    customerIds: new Array(userCount),
    targetTypes: new Array(userCount),
    targetIds: new Array(userCount),
  };
  let m = 0;
  for (let i = start; i < end; i++) {
    const users = batches[i]!;
    const batchId = batchIds[i - start]!;
    const messages: WebhookUserMessage[] = new Array(users.length);
    for (let j = 0; j < users.length; j++, m++) {
      const message = buildMessage(users[j]!, `batches[${i}][${j}]`, common, sendTime, batchId, actionIdPool[m]!);
      messages[j] = message;
      chunk.messageBatchIds[m] = batchId;
      chunk.customerIds[m] = message.user_profile.customer_id;
      chunk.targetTypes[m] = message.user_profile.target_type;
      chunk.targetIds[m] = message.user_profile.target_id;
    }
    chunk.userCounts[i - start] = users.length;
    chunk.bodies[i - start] = serializeBatch(messages);
    enqueued[i] = { batchId, actionIds: actionIdPool.slice(m - users.length, m) };
  }
  return chunk;
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

/** One user's message with the engine's callback_params; a value that cannot be sent is a VALIDATION error naming the user. */
function buildMessage(user: UserMessageInput, path: string, batch: OutboxCommon, sendTime: string, batchId: string, actionId: string): WebhookUserMessage {
  let message: WebhookUserMessage;
  try {
    message = buildUserMessage({
      user_profile: user.user_profile,
      ...(user.params !== undefined ? { params: user.params } : {}),
      callback_params: {
        webhook_id: batch.webhookId,
        send_time: sendTime,
        nodeId: batch.nodeId,
        instanceId: user.callback_params?.instanceId,
        batchId,
        actionId,
        customerId: user.user_profile.customer_id,
      },
      ...(user.process_info !== undefined ? { process_info: user.process_info } : {}),
    });
  } catch (error) {
    if (!(error instanceof TypeError || error instanceof RangeError)) throw error;
    throw errors.validation([{ path, message: error.message }]);
  }
  const profile = message.user_profile;
  // Stored in text columns, which PostgreSQL refuses NUL in; in the body JSON escapes it.
  if ((profile.customer_id + profile.target_type + profile.target_id).includes('\u0000')) {
    throw errors.validation([{ path: `${path}.user_profile`, message: 'must not contain NUL characters' }]);
  }
  return message;
}
