import { newIds } from '../shared/ids.js';
import type { CohortMember, NewCohort } from './cohort-store.js';
import type { JourneyGraph } from './graph.js';
import { exitsOf } from './model.js';
import type { Mover } from './send-walk.js';

/**
 * Cohorts (docs/journeys.md, "Cohorts") as users enter: those sent in one batch who wait at a judgment
 * whose every branch ends become one row. Without the store, so the page thread forms them (entry-page.ts).
 */

/** Whether a judgment's every branch (each result and "other") ends the journey: its judged users go nowhere else. */
export function endsEveryBranch(graph: JourneyGraph, nodeId: string): boolean {
  const node = graph.node(nodeId);
  if (node?.type !== 'judgment') return false;
  return exitsOf(node).every((exit) => {
    const next = graph.next(nodeId, exit);
    return next === undefined || graph.node(next)?.type === 'end';
  });
}

/**
 * Splits users who just entered (and were sent) into cohorts, one per batch, of those waiting at a
 * judgment whose every branch ends; returns the cohorts with their customers, and the others.
 */
export function formCohorts(users: readonly Mover[], paths: ReadonlyMap<string, string>, now: number): { cohorts: NewCohort[]; others: Mover[] } {
  const byBatch = new Map<string, Mover[]>();
  const others: Mover[] = [];
  // Per graph and node: the users of a page are mostly at the same few.
  const ending = new Map<JourneyGraph, Map<string, boolean>>();
  const endsHere = (graph: JourneyGraph, nodeId: string): boolean => {
    let nodes = ending.get(graph);
    if (!nodes) ending.set(graph, (nodes = new Map()));
    let ends = nodes.get(nodeId);
    if (ends === undefined) nodes.set(nodeId, (ends = endsEveryBranch(graph, nodeId)));
    return ends;
  };
  for (const user of users) {
    const { state, graph } = user;
    if (state.status === 'active' && state.phase === 'judge' && state.lastBatchId !== null && endsHere(graph, state.nodeId)) {
      const members = byBatch.get(state.lastBatchId);
      if (members) members.push(user);
      else byBatch.set(state.lastBatchId, [user]);
    } else others.push(user);
  }
  const ids = newIds('jco', byBatch.size, now);
  const cohorts: NewCohort[] = [];
  let i = 0;
  for (const [batchId, users] of byBatch) {
    const { row, state } = users[0]!;
    const id = ids[i++]!;
    const members: CohortMember[] = users.map((u) => [u.state.id, u.row.customer_id, u.state.lastActionId!, u.state.visitId, u.state.steps, u.state.groupName, paths.get(u.state.id) ?? '']);
    cohorts.push({
      row: {
        id, workspace_id: row.workspace_id, journey_id: row.journey_id, journey_version: row.journey_version, node_id: state.nodeId, batch_id: batchId,
        started_at: row.started_at, node_entered_at: state.nodeEnteredAt, due_at: state.dueAt,
        results: JSON.stringify(members.map(() => null)), member_actions: users.map((u) => u.state.lastActionId!).join(','), pending: members.length, settled_at: null, revision: 0,
      },
      members: JSON.stringify(members),
      customerIds: users.map((u) => u.row.customer_id),
    });
  }
  return { cohorts, others };
}
