import { assertBatchSize, buildUserMessage, type UserMessageInput, type WebhookUserMessage } from '@hookreach/protocol';
import { ChunkShape } from './chunk-shape.js';
import { errors } from '../errors.js';
import { newIds } from '../shared/ids.js';
import type { EnqueueInput } from './enqueue.js';
import type { OutboxChunk, OutboxCommon } from './outbox.js';
import { encodeRoster, type RosterEntry } from './roster.js';
import { compactBody } from './stored-body.js';

/**
 * Batches as the outbox stores them: ids drawn, callback_params filled, each body serialised once
 * (so every attempt sends the same bytes). Kept apart from the store so the page thread
 * (tasks/page-thread.ts) builds pages with it, without loading the database layer.
 */

/** Batches of users to build, each one POST body of 1..100 users. */
export type BatchUsers = readonly (readonly UserMessageInput[])[];

/** The identifiers a receiver will see: callback_params.batchId and, per user in input order, actionId. */
export interface EnqueuedBatch {
  batchId: string;
  actionIds: string[];
}

/** Whose batches they are: the webhook and the task or journey node they are sent for. */
export type OutboxOwner = Pick<EnqueueInput, 'workspaceId' | 'webhookId' | 'runKind' | 'taskId' | 'journeyId' | 'nodeId' | 'notBefore'>;

/** The values every batch of one enqueue shares. */
export function outboxCommonOf(input: OutboxOwner, maxAttempts: number, now: number): OutboxCommon {
  return {
    workspaceId: input.workspaceId,
    webhookId: input.webhookId,
    runKind: input.runKind,
    taskId: input.taskId ?? null,
    journeyId: input.journeyId ?? null,
    nodeId: input.nodeId ?? null,
    maxAttempts,
    due: input.notBefore ?? now,
    now,
  };
}

/** Builds batches [start, end): ids, bodies (send_time is `common.now`) and rosters; records their ids in `enqueued` when given. */
export function buildOutboxChunk(
  batches: BatchUsers,
  start: number,
  end: number,
  common: OutboxCommon,
  enqueued?: EnqueuedBatch[],
): OutboxChunk {
  const sendTime = String(common.now);
  let userCount = 0;
  for (let i = start; i < end; i++) userCount += batches[i]!.length;
  // Sorted, as newIds draws them: each roster is in action id order.
  const batchIds = newIds('bat', end - start, common.now);
  const actionIdPool = newIds('act', userCount, common.now);
  const chunk: OutboxChunk = { batchIds, userCounts: new Array(end - start), bodies: new Array(end - start), rosters: new Array(end - start) };
  // Most chunks' users differ in a few fields: their bodies come from one template (chunk-shape.ts).
  const shape = ChunkShape.of(batches, start, end, common, sendTime);
  let m = 0;
  for (let i = start; i < end; i++) {
    const users = batches[i]!;
    const batchId = batchIds[i - start]!;
    assertBatchSize(users.length);
    const template = shape?.forBatch(JSON.stringify(batchId));
    const fields: (string[] | null)[] = new Array(users.length);
    const roster: RosterEntry[] = new Array(users.length);
    let fitting = 0;
    for (let j = 0; j < users.length; j++) {
      const quoted = shape ? shape.quotedFields(m + j, users[j]!, JSON.stringify(actionIdPool[m + j]!)) : null;
      fields[j] = quoted;
      if (quoted) fitting++;
    }
    if (template && fitting === users.length) {
      // Every user fits the template: stored as its pieces and their values (stored-body.ts).
      const values: string[] = [];
      for (let j = 0; j < users.length; j++, m++) {
        template.pushValues(values, fields[j]!);
        roster[j] = rosterEntry(actionIdPool[m]!, users[j]!.user_profile as Record<string, string>);
      }
      chunk.bodies[i - start] = compactBody(template.pieces, values);
    } else {
      const body: string[] = ['['];
      for (let j = 0; j < users.length; j++, m++) {
        const user = users[j]!;
        const actionId = actionIdPool[m]!;
        if (j > 0) body.push(',');
        const quoted = fields[j];
        if (template && quoted) {
          template.appendTo(body, quoted);
          roster[j] = rosterEntry(actionId, user.user_profile as Record<string, string>);
        } else {
          const message = buildMessage(user, `batches[${i}][${j}]`, common, sendTime, batchId, actionId);
          body.push(JSON.stringify(message));
          roster[j] = rosterEntry(actionId, message.user_profile);
        }
      }
      body.push(']');
      chunk.bodies[i - start] = body.join('');
    }
    chunk.userCounts[i - start] = users.length;
    chunk.rosters[i - start] = encodeRoster(roster);
    if (enqueued) enqueued[i] = { batchId, actionIds: actionIdPool.slice(m - users.length, m) };
  }
  return chunk;
}

function rosterEntry(actionId: string, profile: Readonly<Record<string, string>>): RosterEntry {
  return [actionId, profile.customer_id!, profile.target_type!, profile.target_id!];
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
