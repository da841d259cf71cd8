import { MAX_BATCH_SIZE, type UserMessageInput } from '@hookreach/protocol';
import { parseStrings } from '../audiences/users-page.js';
import { buildOutboxChunk, outboxCommonOf, type EnqueuedBatch } from '../delivery/build-batches.js';
import type { OutboxChunk, OutboxCommon } from '../delivery/outbox.js';
import { newIds } from '../shared/ids.js';
import type { JourneyInstanceRow } from '../store/schema.js';
import { messageFor, type SendSpec } from '../tasks/plan-page.js';
import { walk, type InstanceState, type WalkContext } from './advance.js';
import type { JourneyGraph } from './graph.js';
import { DEFAULT_EXIT, NO_ID_EXIT, type WebhookNode } from './model.js';

/**
 * Moving users on and building what their webhook nodes send, without the store: the runner's
 * advance (advance-due.ts) and the audience entry, which builds its pages ahead on the page thread
 * (entry-page.ts), both use it; the caller inserts what it built.
 */

/** What a send needs of an instance's row besides its state: the user's profile and where they entered. */
export type SendSource = Pick<JourneyInstanceRow, 'workspace_id' | 'journey_id' | 'journey_version' | 'customer_id' | 'ids' | 'attributes' | 'started_at'>;

/** An instance to move on: its state (moved in place), its row and its version's graph. */
export interface Mover {
  state: InstanceState;
  row: SendSource;
  graph: JourneyGraph;
}

/** Users arriving together at one webhook node of one journey version. */
export interface SendGroup {
  workspaceId: string;
  journeyId: string;
  node: WebhookNode;
  members: Mover[];
}

/** One webhook node's batches, built for the outbox: the webhook, what its batches share, and their rows. */
export interface BuiltSends {
  webhookId: string;
  common: OutboxCommon;
  chunk: OutboxChunk;
}

/** Walks each mover as far as it goes now; returns those who arrived at a webhook node, grouped by node. */
export function walkToSends(movers: readonly Mover[], ctx: WalkContext): SendGroup[] {
  // By the node's object: a version's graph holds each node once.
  const groups = new Map<WebhookNode, SendGroup>();
  for (const mover of movers) {
    const { state, row, graph } = mover;
    walk(state, graph, ctx);
    const node = graph.node(state.nodeId);
    if (state.phase !== 'arrive' || node?.type !== 'webhook') continue;
    let group = groups.get(node);
    if (!group) groups.set(node, (group = { workspaceId: row.workspace_id, journeyId: row.journey_id, node, members: [] }));
    group.members.push(mover);
  }
  return [...groups.values()];
}

/**
 * Builds each group's batches (100 users each, with process_info) as the outbox stores them, records
 * each sent user's batch and action, and walks every member on past the node. `specOf` gives a group's
 * values; undefined when its webhook is gone, and then, as for users without the node's ID type (or
 * skipped for a missing variable), its users leave by "noId" unsent.
 */
export function buildSends(groups: readonly SendGroup[], specOf: (group: SendGroup) => SendSpec | undefined, ctx: WalkContext, maxAttempts: number): BuiltSends[] {
  const built: BuiltSends[] = [];
  for (const group of groups) {
    const sends = messagesOf(group, specOf(group), ctx.now);
    if (sends.length === 0) continue;
    const batches: UserMessageInput[][] = [];
    for (let i = 0; i < sends.length; i += MAX_BATCH_SIZE) batches.push(sends.slice(i, i + MAX_BATCH_SIZE).map((s) => s.message));
    const { node } = group;
    const common = outboxCommonOf({ workspaceId: group.workspaceId, webhookId: node.webhookId, runKind: 'journey', journeyId: group.journeyId, nodeId: node.id }, maxAttempts, ctx.now);
    const enqueued: EnqueuedBatch[] = new Array(batches.length);
    const chunk = buildOutboxChunk(batches, 0, batches.length, common, enqueued);
    sends.forEach((send, i) => {
      const batch = enqueued[Math.floor(i / MAX_BATCH_SIZE)]!;
      send.state.lastBatchId = batch.batchId;
      send.state.lastActionId = batch.actionIds[i % MAX_BATCH_SIZE]!;
      leave(send.state, DEFAULT_EXIT, ctx.now);
    });
    built.push({ webhookId: node.webhookId, common, chunk });
  }
  // Past the webhook node: on as far as they go (a next webhook node waits for the next claim).
  for (const group of groups) {
    for (const { state, graph } of group.members) walk(state, graph, ctx);
  }
  return built;
}

/** A group's messages; users without one leave by "noId" unsent. */
function messagesOf(group: SendGroup, spec: SendSpec | undefined, now: number): { state: InstanceState; message: UserMessageInput }[] {
  const sends: { state: InstanceState; message: UserMessageInput }[] = [];
  // Attributes are read only by variables; the times of users sent together are mostly the same few.
  const attributesOf = spec !== undefined && spec.templates.size > 0 ? parseStrings : () => NO_ATTRIBUTES;
  const timeText = lastText();
  for (const { state, row } of group.members) {
    const message = spec ? messageFor({ customerId: row.customer_id, ids: parseStrings(row.ids), attributes: attributesOf(row.attributes) }, spec) : 'no-id';
    if (typeof message === 'string') {
      leave(state, NO_ID_EXIT, now);
      continue;
    }
    message.process_info = {
      processInstanceId: state.id,
      processInstanceStartTime: timeText(row.started_at),
      processNodeInstanceId: state.visitId,
      processNodeInstanceStartTime: timeText(state.nodeEnteredAt),
      groupName: state.groupName,
    };
    message.callback_params = { instanceId: state.id };
    sends.push({ state, message });
  }
  return sends;
}

const NO_ATTRIBUTES: Readonly<Record<string, string>> = Object.freeze({});

/** A number's decimal text, remembering the last one converted. */
function lastText(): (n: number) => string {
  let last = Number.NaN;
  let text = '';
  return (n) => {
    if (n !== last) {
      last = n;
      text = String(n);
    }
    return text;
  };
}

function leave(state: InstanceState, exit: string, now: number): void {
  state.phase = 'leave';
  state.exit = exit;
  state.dueAt = now;
}

/** New node-visit ids, drawn 256 at a time. */
export function visitIdSource(now: number): () => string {
  let pool: string[] = [];
  return () => {
    if (pool.length === 0) pool = newIds('jnv', 256, now).reverse();
    return pool.pop()!;
  };
}
