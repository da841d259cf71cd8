import type { JourneyInstanceRow } from '../store/schema.js';
import type { InstanceState } from './advance.js';
import type { SendSource } from './send-walk.js';

/** A user's profile as they enter: ids by ID type and attributes, as audiences store them (JSON objects of strings). */
export interface EnteringUser {
  customerId: string;
  ids: string;
  attributes: string;
}

/** The row of a user entering a journey version at its entry node, due to act at once. */
export function newInstanceRow(
  user: EnteringUser,
  at: { workspaceId: string; journeyId: string; version: number; entryNodeId: string; now: number; id: string; visitId: string; once: boolean },
): JourneyInstanceRow {
  const source: SendSource = { workspace_id: at.workspaceId, journey_id: at.journeyId, journey_version: at.version, customer_id: user.customerId, ids: user.ids, attributes: user.attributes, started_at: at.now };
  return instanceRowOf(source, newEntryState(at.id, at.journeyId, at.entryNodeId, at.visitId, at.now), at.once ? user.customerId : null, '');
}

/** Where a user entering at `entryNodeId` stands: arrived now, due at once. */
export function newEntryState(id: string, journeyId: string, entryNodeId: string, visitId: string, now: number): InstanceState {
  return {
    id, journeyId, status: 'active', nodeId: entryNodeId, visitId, nodeEnteredAt: now, phase: 'arrive', exit: null, dueAt: now,
    groupName: '', lastBatchId: null, lastActionId: null, steps: 0, exitedAt: null,
  };
}

/** An instance's whole row: who entered (`source`), where it stands (`state`), its entry key and path. */
export function instanceRowOf(source: SendSource, state: InstanceState, entryKey: string | null, path: string): JourneyInstanceRow {
  return {
    id: state.id,
    workspace_id: source.workspace_id,
    journey_id: source.journey_id,
    journey_version: source.journey_version,
    customer_id: source.customer_id,
    ids: source.ids,
    attributes: source.attributes,
    entry_key: entryKey,
    status: state.status,
    node_id: state.nodeId,
    visit_id: state.visitId,
    node_entered_at: state.nodeEnteredAt,
    phase: state.phase,
    exit: state.exit,
    due_at: state.dueAt,
    group_name: state.groupName,
    last_batch_id: state.lastBatchId,
    last_action_id: state.lastActionId,
    steps: state.steps,
    lease_owner: null,
    lease_expires_at: null,
    started_at: source.started_at,
    exited_at: state.exitedAt,
    path,
  };
}
