import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { pageInstances } from './details-store.js';
import { readJourney } from './read-journey.js';
import type { InstanceQuery } from './schemas.js';
import { allDefinitions } from './store.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/** A page of a journey's instances (one customer's, with `customerId`), each with its path: every node visited, with times and exits. */
export async function listInstances(db: Kysely<Database>, workspaceId: string, journeyId: string, query: InstanceQuery) {
  await readJourney(db, workspaceId, journeyId);
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 20;
  const [{ total, rows, steps }, definitions] = await Promise.all([
    pageInstances(db, journeyId, { ...(query.customerId !== undefined ? { customerId: query.customerId } : {}), page, pageSize }),
    allDefinitions(db, journeyId),
  ]);
  const nodeOf = (version: number, nodeId: string) => definitions.find((d) => d.version === version)?.definition.nodes.find((n) => n.id === nodeId);
  const items = rows.map((r) => {
    const describe = (nodeId: string) => {
      const node = nodeOf(r.journey_version, nodeId);
      return { nodeId, name: node?.name ?? '', type: node?.type ?? 'unknown' };
    };
    const path: { nodeId: string; name: string; type: string; visitId: string; enteredAt: string; leftAt: string | null; exit: string | null }[] = steps
      .filter((s) => s.instance_id === r.id)
      .map((s) => ({ ...describe(s.node_id), visitId: s.visit_id, enteredAt: iso(s.entered_at)!, leftAt: iso(s.left_at), exit: s.exit }));
    path.push({ ...describe(r.node_id), visitId: r.visit_id, enteredAt: iso(r.node_entered_at)!, leftAt: r.status === 'active' ? null : iso(r.exited_at), exit: null });
    return {
      instanceId: r.id,
      customerId: r.customer_id,
      version: r.journey_version,
      status: r.status as 'active' | 'exited' | 'stopped',
      startedAt: iso(r.started_at)!,
      exitedAt: iso(r.exited_at),
      groupName: r.group_name,
      waitingUntil: r.status === 'active' && (r.phase === 'judge' || r.phase === 'leave') ? iso(r.due_at) : null,
      path,
    };
  });
  return { items, total, page, pageSize };
}
