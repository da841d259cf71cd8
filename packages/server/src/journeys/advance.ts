import { createHash } from 'node:crypto';
import type { JourneyStepRow } from '../store/schema.js';
import type { JourneyGraph } from './graph.js';
import { DEFAULT_EXIT, RECEIPT_RESULT_PREFIX, OTHER_EXIT, waitEnd, type JudgmentNode, type SplitNode } from './model.js';

/** Where an instance stands, as the engine moves it (the mutable part of its row). */
export interface InstanceState {
  id: string;
  journeyId: string;
  status: 'active' | 'exited' | 'stopped';
  nodeId: string;
  visitId: string;
  nodeEnteredAt: number;
  phase: 'arrive' | 'leave' | 'judge' | 'done';
  exit: string | null;
  dueAt: number | null;
  groupName: string;
  lastBatchId: string | null;
  lastActionId: string | null;
  steps: number;
  exitedAt: number | null;
}

/** What a walk needs besides the state: the time and a source of new node-visit ids. */
export interface WalkContext {
  now: number;
  newVisitId(): string;
  /** Finished node visits are appended here. */
  steps: JourneyStepRow[];
}

/**
 * Moves an instance on from where it stands until it must stop: at a wait (until it ends), a
 * judgment (until judged), an end (done), or on arriving at a webhook node (the runner sends it
 * with the others who arrived together). Split nodes are passed at once. A walk never loops
 * forever: every cycle passes a wait node, where it stops.
 */
export function walk(state: InstanceState, graph: JourneyGraph, ctx: WalkContext): void {
  for (;;) {
    if (state.phase === 'leave') {
      const exit = state.exit ?? DEFAULT_EXIT;
      ctx.steps.push({ instance_id: state.id, seq: state.steps + 1, journey_id: state.journeyId, node_id: state.nodeId, visit_id: state.visitId, entered_at: state.nodeEnteredAt, left_at: ctx.now, exit });
      state.steps++;
      const next = graph.next(state.nodeId, exit);
      if (next === undefined) {
        finish(state, ctx.now);
        return;
      }
      state.nodeId = next;
      state.visitId = ctx.newVisitId();
      state.nodeEnteredAt = ctx.now;
      state.phase = 'arrive';
      state.exit = null;
      state.dueAt = ctx.now;
    }
    if (state.phase !== 'arrive') return;
    const node = graph.node(state.nodeId);
    switch (node?.type) {
      case undefined:
      case 'end':
        finish(state, ctx.now);
        return;
      case 'webhook':
        return;
      case 'wait':
        leaveAt(state, DEFAULT_EXIT, waitEnd(node.wait, state.nodeEnteredAt));
        return;
      case 'judgment':
        state.phase = 'judge';
        state.dueAt = waitEnd(node.wait, state.nodeEnteredAt);
        return;
      case 'split': {
        const group = pickGroup(node, `${state.id}:${node.id}:${state.steps}`);
        state.groupName = appendGroup(state.groupName, node, group);
        leaveAt(state, group.name, ctx.now);
      }
    }
  }
}

function leaveAt(state: InstanceState, exit: string, at: number): void {
  state.phase = 'leave';
  state.exit = exit;
  state.dueAt = at;
}

function finish(state: InstanceState, now: number): void {
  state.status = 'exited';
  state.phase = 'done';
  state.exit = null;
  state.dueAt = null;
  state.exitedAt = now;
}

/** A group of a random split for `seed`: uniform over 0.00..99.99, so each group gets its percentage (deterministic per seed). */
export function pickGroup(node: SplitNode, seed: string): SplitNode['groups'][number] {
  const bucket = createHash('sha256').update(seed).digest().readUInt32BE(0) % 10_000;
  let upTo = 0;
  for (const group of node.groups) {
    upTo += Math.round(group.percent * 100);
    if (bucket < upTo) return group;
  }
  return node.groups[node.groups.length - 1]!;
}

/** process_info.groupName with one more split passed: `nodeId:nodeName:percent(2 decimals),groupName`, entries joined by `;`. */
export function appendGroup(groupName: string, node: SplitNode, group: SplitNode['groups'][number]): string {
  const entry = `${node.id}:${node.name}:${group.percent.toFixed(2)},${group.name}`;
  return groupName === '' ? entry : `${groupName};${entry}`;
}

/** What is known of a user at a judgment node. */
export interface JudgeFacts {
  /** The status of the batch that carried the user's message (null if none). */
  batchStatus: string | null;
  /** The latest receipt status among the node's chosen receipt codes, if one arrived. */
  receiptStatus: string | null;
  dueAt: number;
  now: number;
}

/**
 * The branch a user goes to, or undefined while their result is still awaited. A chosen receipt
 * decides at once; a failed (or cancelled) send decides "failed"; a successful send decides
 * "success" at once unless receipts are awaited, in which case it counts only when the wait ends
 * without a chosen receipt. Anything without a chosen result when the wait ends goes to "other".
 */
export function judge(node: JudgmentNode, facts: JudgeFacts): string | undefined {
  const chosen = (result: string) => node.results.includes(result);
  if (facts.receiptStatus !== null && chosen(`${RECEIPT_RESULT_PREFIX}${facts.receiptStatus}`)) return `${RECEIPT_RESULT_PREFIX}${facts.receiptStatus}`;
  if (facts.batchStatus === null || facts.batchStatus === 'failed' || facts.batchStatus === 'cancelled') return chosen('failed') ? 'failed' : OTHER_EXIT;
  const awaitsReceipts = node.results.some((r) => r.startsWith(RECEIPT_RESULT_PREFIX));
  const ended = facts.now >= facts.dueAt;
  if (facts.batchStatus === 'succeeded' && (!awaitsReceipts || ended)) return chosen('success') ? 'success' : OTHER_EXIT;
  return ended ? OTHER_EXIT : undefined;
}

/** The receipt status codes a judgment waits for. */
export function receiptCodesOf(node: JudgmentNode): string[] {
  return node.results.filter((r) => r.startsWith(RECEIPT_RESULT_PREFIX)).map((r) => r.slice(RECEIPT_RESULT_PREFIX.length));
}
