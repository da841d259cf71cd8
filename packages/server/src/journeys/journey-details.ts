import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { countJourney } from './details-store.js';
import type { JourneyNode, NodeType } from './model.js';
import { allDefinitions } from './store.js';

/** What the journey details page shows per node. */
export interface NodeStats {
  nodeId: string;
  name: string;
  type: NodeType;
  entered: number;
  waiting: number;
  exits: Record<string, number>;
  delivery?: { enqueued: number; sent: number; succeeded: number; failed: number; pending: number };
  receipts?: { status: string; value: string | null; users: number }[];
}

export interface JourneyStats {
  instances: { total: number; active: number; exited: number; stopped: number };
  nodes: NodeStats[];
}

/**
 * Per node (the latest version's nodes first, then nodes only older versions had): users entered
 * (visits), waiting there now, passed on per exit or branch, and for webhook nodes sent, succeeded,
 * failed and users per receipt status value. Counted over every version, since a node keeps its id.
 */
export async function journeyStats(db: Kysely<Database>, journeyId: string): Promise<JourneyStats> {
  const [definitions, counts] = await Promise.all([allDefinitions(db, journeyId), countJourney(db, journeyId)]);
  const nodes = new Map<string, JourneyNode>();
  for (const { definition } of [...definitions].reverse()) for (const node of definition.nodes) if (!nodes.has(node.id)) nodes.set(node.id, node);
  const stats = new Map<string, NodeStats>();
  for (const node of nodes.values()) {
    stats.set(node.id, {
      nodeId: node.id, name: node.name, type: node.type, entered: 0, waiting: 0, exits: {},
      ...(node.type === 'webhook' ? { delivery: { enqueued: 0, sent: 0, succeeded: 0, failed: 0, pending: 0 }, receipts: [] } : {}),
    });
  }
  for (const c of counts.current) {
    const s = stats.get(c.node_id);
    if (!s) continue;
    s.entered += c.n;
    if (c.status === 'active') s.waiting += c.n;
  }
  for (const step of counts.steps) {
    const s = stats.get(step.node_id);
    if (!s) continue;
    s.entered += step.n;
    s.exits[step.exit] = (s.exits[step.exit] ?? 0) + step.n;
  }
  for (const b of counts.batches) {
    const d = b.node_id === null ? undefined : stats.get(b.node_id)?.delivery;
    if (!d) continue;
    d.enqueued += b.users;
    d.sent += b.sent;
    if (b.status === 'succeeded') d.succeeded += b.users;
    else if (b.status === 'failed' || b.status === 'cancelled') d.failed += b.users;
    else d.pending += b.users;
  }
  for (const r of counts.receipts) {
    const list = r.node_id === null ? undefined : stats.get(r.node_id)?.receipts;
    list?.push({ status: r.status, value: r.value, users: r.users });
  }
  const by = new Map<string, number>();
  for (const c of counts.current) by.set(c.status, (by.get(c.status) ?? 0) + c.n);
  const active = by.get('active') ?? 0;
  const exited = by.get('exited') ?? 0;
  const stopped = by.get('stopped') ?? 0;
  return { instances: { total: active + exited + stopped, active, exited, stopped }, nodes: [...stats.values()] };
}
