import { MAX_BATCH_SIZE } from '@hookreach/protocol';
import { assertWebhookInWorkspace } from '../delivery/enqueue.js';
import { notifyEnqueued } from '../delivery/notify.js';
import { insertOutboxChunk } from '../delivery/outbox.js';
import { maxAttemptsOf } from '../delivery/retry-policy.js';
import type { Kysely, Transaction } from 'kysely';
import type { Dialect } from '../store/dialect.js';
import type { Database, JourneyStepRow } from '../store/schema.js';
import { sendSpecOf, type SendSpec } from '../tasks/plan-page.js';
import type { WebhookRecord } from '../webhooks/model.js';
import { findWebhook } from '../webhooks/store.js';
import type { InstanceState, WalkContext } from './advance.js';
import { claimDueInstances, LeaseLostError, releaseInstances, writeAdvance, type InstanceChange, type InstanceRow } from './instance-store.js';
import type { WebhookNode } from './model.js';
import type { RunnerWork } from './runner-work.js';
import { buildSends, visitIdSource, walkToSends, type BuiltSends, type Mover } from './send-walk.js';

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
  const groups = walkToSends(movers, walkContext);
  const specOf = sendSpecReader(ctx.store.db);
  const specs = new Map<WebhookNode, SendSpec | undefined>();
  for (const { workspaceId, node } of groups) specs.set(node, await specOf(workspaceId, node));
  const sends = buildSends(groups, (group) => specs.get(group.node), walkContext, maxAttemptsOf(ctx.config.delivery.retryScheduleMs));
  await ctx.store.db.transaction().execute(async (trx) => {
    await insertSends(trx, ctx.store.dialect, sends);
    await write(trx, steps);
  });
  notifyEnqueued(ctx.store, [...new Set(sends.map((s) => s.webhookId))]);
}

/**
 * The values webhook nodes send with, as their webhooks stand now (undefined when one is gone); each
 * webhook is read once per reader, however many nodes use it.
 */
export function sendSpecReader(db: Kysely<Database>): (workspaceId: string, node: WebhookNode) => Promise<SendSpec | undefined> {
  const webhooks = new Map<string, Promise<WebhookRecord | undefined>>();
  return async (workspaceId, node) => {
    const key = `${workspaceId}\u0000${node.webhookId}`;
    let webhook = webhooks.get(key);
    if (!webhook) webhooks.set(key, (webhook = findWebhook(db, workspaceId, node.webhookId)));
    const record = await webhook;
    if (!record) return undefined;
    const textParameters = new Set(record.webhook.parameters.filter((p) => p.type === 'text').map((p) => p.name));
    return sendSpecOf({ idType: node.idType, batchSize: MAX_BATCH_SIZE, params: node.params, missingVariable: node.missingVariable }, textParameters);
  };
}

/** Inserts built batches in the caller's transaction, each webhook checked to be in its workspace there; the caller wakes the dispatcher after the commit. */
export async function insertSends(trx: Transaction<Database>, dialect: Dialect, sends: readonly BuiltSends[]): Promise<void> {
  for (const { common, chunk } of sends) {
    await assertWebhookInWorkspace(trx, dialect, common);
    await insertOutboxChunk(trx, dialect, common, chunk);
  }
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
