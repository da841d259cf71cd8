import { MAX_BATCH_SIZE, type UserMessageInput } from '@hookreach/protocol';
import { parseStrings } from '../audiences/users-page.js';
import { enqueueBatchesInTransaction } from '../delivery/enqueue.js';
import { notifyEnqueued } from '../delivery/notify.js';
import { newIds } from '../shared/ids.js';
import type { Transaction } from 'kysely';
import type { Database, JourneyStepRow } from '../store/schema.js';
import { messageFor, sendSpecOf } from '../tasks/plan-page.js';
import type { WebhookRecord } from '../webhooks/model.js';
import { findWebhook } from '../webhooks/store.js';
import { walk, type InstanceState, type WalkContext } from './advance.js';
import type { JourneyGraph } from './graph.js';
import { claimDueInstances, LeaseLostError, releaseInstances, writeAdvance, type InstanceChange, type InstanceRow } from './instance-store.js';
import { NO_ID_EXIT, DEFAULT_EXIT, type WebhookNode } from './model.js';
import type { RunnerWork } from './runner-work.js';

/** Users arriving together at one webhook node of one journey version. */
interface SendGroup {
  workspaceId: string;
  journeyId: string;
  node: WebhookNode;
  members: Mover[];
}

/**
 * Claims due instances (arrivals, ended waits, judged users) and moves each on as far as it goes
 * now. Users who arrive at a webhook node in the same claim are sent together, in batches of 100,
 * with process_info; the batches, the instances' new positions and their finished steps commit in
 * one transaction, so a crash either sends and moves them or does neither. Returns how many were claimed.
 */
export async function advanceDue(work: RunnerWork & { limit: number }): Promise<number> {
  const { ctx, now, owner } = work;
  const rows = await claimDueInstances(ctx.store, { owner, now, leaseUntil: now + work.leaseMs, limit: work.limit });
  if (rows.length === 0) return 0;
  try {
    await advanceClaimed(work, rows);
  } catch (error) {
    await releaseInstances(ctx.store.db, owner, rows.map((r) => r.id)).catch(() => {});
    // Another runner took these over after our lease ran out: theirs is the only write.
    if (!(error instanceof LeaseLostError)) throw error;
  }
  return rows.length;
}

async function advanceClaimed(work: RunnerWork, rows: InstanceRow[]): Promise<void> {
  const { ctx, owner } = work;
  const movers: Mover[] = [];
  const unknown: string[] = [];
  for (const row of rows) {
    const graph = await work.graphs.get(row.journey_id, row.journey_version);
    // A version that does not exist cannot be advanced; its lease is released below unchanged.
    if (graph) movers.push({ state: stateOf(row), row, graph });
    else unknown.push(row.id);
  }
  await moveOn(work, movers, (trx, steps) => writeAdvance(trx, ctx.store, owner, movers.map((m) => changeOf(m.state)), steps));
  await releaseInstances(ctx.store.db, owner, unknown);
}

/** What a send needs of an instance's row besides its state: the user's profile and where they entered. */
export type SendSource = Pick<InstanceRow, 'workspace_id' | 'journey_id' | 'journey_version' | 'customer_id' | 'ids' | 'attributes' | 'started_at'>;

/** An instance to move on: its state (moved in place), its row and its version's graph. */
export interface Mover {
  state: InstanceState;
  row: SendSource;
  graph: JourneyGraph;
}

/**
 * Moves instances on as far as each goes now. Those arriving at a webhook node are sent together
 * (per node and version, batches of 100, with process_info) and walk on past it; the batches and
 * `write` (the instances' new rows and their finished steps) commit in one transaction, so a crash
 * either sends and moves them or does neither.
 */
export async function moveOn(work: RunnerWork, movers: readonly Mover[], write: (trx: Transaction<Database>, steps: JourneyStepRow[]) => Promise<void>): Promise<void> {
  const { ctx, now } = work;
  const steps: JourneyStepRow[] = [];
  const walkContext: WalkContext = { now, steps, newVisitId: visitIdSource(now) };
  // By the node's object: a version's graph (one per version in the cache) holds each node once.
  const groups = new Map<WebhookNode, SendGroup>();
  for (const mover of movers) {
    const { state, row, graph } = mover;
    walk(state, graph, walkContext);
    const node = graph.node(state.nodeId);
    if (state.phase !== 'arrive' || node?.type !== 'webhook') continue;
    let group = groups.get(node);
    if (!group) groups.set(node, (group = { workspaceId: row.workspace_id, journeyId: row.journey_id, node, members: [] }));
    group.members.push(mover);
  }
  const planned = await planSends(work, [...groups.values()]);

  await ctx.store.db.transaction().execute(async (trx) => {
    for (const { group, sends } of planned) {
      if (sends.length === 0) continue;
      const batches: UserMessageInput[][] = [];
      for (let i = 0; i < sends.length; i += MAX_BATCH_SIZE) batches.push(sends.slice(i, i + MAX_BATCH_SIZE).map((s) => s.message));
      const enqueued = await enqueueBatchesInTransaction(ctx, trx, {
        workspaceId: group.workspaceId,
        webhookId: group.node.webhookId,
        runKind: 'journey',
        journeyId: group.journeyId,
        nodeId: group.node.id,
        batches,
      });
      sends.forEach((send, i) => {
        const batch = enqueued[Math.floor(i / MAX_BATCH_SIZE)]!;
        send.state.lastBatchId = batch.batchId;
        send.state.lastActionId = batch.actionIds[i % MAX_BATCH_SIZE]!;
        leave(send.state, DEFAULT_EXIT, now);
      });
    }
    // Past the webhook node: on as far as they go (a next webhook node waits for the next claim).
    for (const { group } of planned) {
      for (const { state, graph } of group.members) walk(state, graph, walkContext);
    }
    await write(trx, steps);
  });
  notifyEnqueued(ctx.store, [...new Set(planned.filter((p) => p.sends.length > 0).map((p) => p.group.node.webhookId))]);
}

/** Each group's messages; users without the node's ID type (or skipped for a missing variable) leave by "noId" unsent. */
async function planSends(work: RunnerWork, groups: SendGroup[]): Promise<{ group: SendGroup; sends: { state: InstanceState; message: UserMessageInput }[] }[]> {
  const webhooks = new Map<string, WebhookRecord | undefined>();
  const planned = [];
  for (const group of groups) {
    const { node } = group;
    if (!webhooks.has(node.webhookId)) webhooks.set(node.webhookId, await findWebhook(work.ctx.store.db, group.workspaceId, node.webhookId));
    const webhook = webhooks.get(node.webhookId);
    const textParameters = new Set((webhook?.webhook.parameters ?? []).filter((p) => p.type === 'text').map((p) => p.name));
    const spec = sendSpecOf({ idType: node.idType, batchSize: MAX_BATCH_SIZE, params: node.params, missingVariable: node.missingVariable }, textParameters);
    const sends: { state: InstanceState; message: UserMessageInput }[] = [];
    // Attributes are read only by variables; the times of users sent together are mostly the same few.
    const attributesOf = spec.templates.size > 0 ? parseStrings : () => NO_ATTRIBUTES;
    const timeText = lastText();
    for (const { state, row } of group.members) {
      const message = webhook ? messageFor({ customerId: row.customer_id, ids: parseStrings(row.ids), attributes: attributesOf(row.attributes) }, spec) : 'no-id';
      if (typeof message === 'string') {
        leave(state, NO_ID_EXIT, work.now);
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
    planned.push({ group, sends });
  }
  return planned;
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

/** The columns of an instance row an advance reads. */
export type StateColumns = Pick<InstanceRow, keyof InstanceChange | 'journey_id'>;

/** An instance row as the engine moves it. */
export function stateOf(row: StateColumns): InstanceState {
  return {
    id: row.id,
    journeyId: row.journey_id,
    status: row.status as InstanceState['status'],
    nodeId: row.node_id,
    visitId: row.visit_id,
    nodeEnteredAt: Number(row.node_entered_at),
    phase: row.phase as InstanceState['phase'],
    exit: row.exit,
    dueAt: row.due_at === null ? null : Number(row.due_at),
    groupName: row.group_name,
    lastBatchId: row.last_batch_id,
    lastActionId: row.last_action_id,
    steps: row.steps,
    exitedAt: row.exited_at === null ? null : Number(row.exited_at),
  };
}

/** The columns an instance's new position rewrites. */
export function changeOf(s: InstanceState): InstanceChange {
  return {
    id: s.id,
    status: s.status,
    node_id: s.nodeId,
    visit_id: s.visitId,
    node_entered_at: s.nodeEnteredAt,
    phase: s.phase,
    exit: s.exit,
    due_at: s.dueAt,
    group_name: s.groupName,
    last_batch_id: s.lastBatchId,
    last_action_id: s.lastActionId,
    steps: s.steps,
    exited_at: s.exitedAt,
  };
}
