import type { JourneyInstanceRow } from '../store/schema.js';

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
  return {
    id: at.id,
    workspace_id: at.workspaceId,
    journey_id: at.journeyId,
    journey_version: at.version,
    customer_id: user.customerId,
    ids: user.ids,
    attributes: user.attributes,
    entry_key: at.once ? user.customerId : null,
    status: 'active',
    node_id: at.entryNodeId,
    visit_id: at.visitId,
    node_entered_at: at.now,
    phase: 'arrive',
    exit: null,
    due_at: at.now,
    group_name: '',
    last_batch_id: null,
    last_action_id: null,
    steps: 0,
    lease_owner: null,
    lease_expires_at: null,
    started_at: at.now,
    exited_at: null,
    path: '',
  };
}
