import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { readPath } from './path.js';
import { cohortEntries, countCohortEntries, countCohortMembers, journeyCohorts, memberInstances, type MemberInstance } from './cohort-store.js';

/** Raw per-node counts of one journey (all versions), as the store groups them. */
export interface JourneyCounts {
  current: { node_id: string; status: string; n: number }[];
  steps: { node_id: string; exit: string; n: number }[];
  batches: { node_id: string | null; status: string; users: number; sent: number }[];
  receipts: { node_id: string | null; status: string; value: string | null; users: number }[];
}

/**
 * Grouped queries, whatever the number of users (the instances' totals are the sum of their
 * per-node counts, cohort members' are their cohorts' waiting counts and the counters of those
 * judged or stopped; exits are counters). Receipts are the batches' counts (migration 0019), summed
 * per node and given their configured values afterwards.
 */
export async function countJourney(db: Kysely<Database>, journeyId: string): Promise<JourneyCounts> {
  const [instances, members, steps, batches, receipts] = await Promise.all([
    db.selectFrom('journey_instances').select(['node_id', 'status', (eb) => eb.fn.countAll<number>().as('n')]).where('journey_id', '=', journeyId).groupBy(['node_id', 'status']).execute(),
    countCohortMembers(db, journeyId),
    db.selectFrom('journey_node_exits').select(['node_id', 'exit', 'users as n']).where('journey_id', '=', journeyId).execute(),
    db
      .selectFrom('delivery_batches')
      .select(['node_id', 'status', sql<number>`sum(user_count)`.as('users'), sql<number>`sum(case when attempts > 0 then user_count else 0 end)`.as('sent')])
      .where('journey_id', '=', journeyId)
      .groupBy(['node_id', 'status'])
      .execute(),
    db
      .selectFrom('receipt_counts as c')
      .innerJoin('delivery_batches as b', 'b.id', 'c.batch_id')
      .select((eb) => ['b.node_id', 'b.webhook_id', 'c.status', eb.fn.sum<number>('c.users').as('users')])
      .where('b.journey_id', '=', journeyId)
      .groupBy(['b.node_id', 'b.webhook_id', 'c.status'])
      .execute(),
  ]);
  const values = new Map<string, string>();
  const webhookIds = [...new Set(receipts.map((r) => r.webhook_id))];
  if (webhookIds.length > 0) {
    for (const v of await db.selectFrom('receipt_statuses').select(['webhook_id', 'code', 'value']).where('webhook_id', 'in', webhookIds).execute()) values.set(`${v.webhook_id}\u0000${v.code}`, v.value);
  }
  // A node sends through one webhook per version: users of the same node and value are added up.
  const byValue = new Map<string, { node_id: string | null; status: string; value: string | null; users: number }>();
  for (const r of receipts) {
    const value = values.get(`${r.webhook_id}\u0000${r.status}`) ?? null;
    const key = `${r.node_id}\u0000${r.status}\u0000${value}`;
    const seen = byValue.get(key);
    if (seen) seen.users += Number(r.users);
    else byValue.set(key, { node_id: r.node_id, status: r.status, value, users: Number(r.users) });
  }
  const num = <T extends { n: number }>(rows: T[]) => rows.map((r) => ({ ...r, n: Number(r.n) }));
  return {
    current: [...num(instances), ...members],
    steps: num(steps),
    batches: batches.map((b) => ({ ...b, users: Number(b.users), sent: Number(b.sent) })),
    receipts: [...byValue.values()].sort((a, b) => (a.status < b.status ? -1 : a.status > b.status ? 1 : 0)),
  };
}

/** One page of a journey's instances (newest first), optionally of one customer, with the total: instances and cohort members alike. */
export async function pageInstances(db: Kysely<Database>, journeyId: string, filter: { customerId?: string; page: number; pageSize: number }) {
  const offset = (filter.page - 1) * filter.pageSize;
  let base = db.selectFrom('journey_instances').where('journey_id', '=', journeyId);
  if (filter.customerId !== undefined) base = base.where('customer_id', '=', filter.customerId);
  const count = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  // The page is among the first offset + pageSize of each kind, newest first (a cohort holds at least one member).
  const instances = await base
    .select(['id', 'customer_id', 'journey_version', 'status', 'started_at', 'exited_at', 'group_name', 'node_id', 'visit_id', 'node_entered_at', 'phase', 'due_at', 'path'])
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(offset + filter.pageSize)
    .execute();
  let members: MemberInstance[];
  let memberTotal: number;
  if (filter.customerId !== undefined) {
    const cohortId = (await cohortEntries(db, journeyId, [filter.customerId])).get(filter.customerId);
    const cohorts = cohortId === undefined ? [] : await journeyCohorts(db, journeyId, { cohortId, limit: 1 });
    members = cohorts.flatMap(memberInstances).filter((m) => m.customer_id === filter.customerId);
    memberTotal = members.length;
  } else {
    members = (await journeyCohorts(db, journeyId, { limit: offset + filter.pageSize })).flatMap(memberInstances);
    memberTotal = members.length === 0 ? 0 : await countCohortEntries(db, journeyId);
  }
  const newestFirst = (a: { started_at: number; id: string }, b: { started_at: number; id: string }) => Number(b.started_at) - Number(a.started_at) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
  const rows = [...instances, ...members].sort(newestFirst).slice(offset, offset + filter.pageSize);
  return { total: Number(count.n) + memberTotal, rows, steps: rows.flatMap((r) => readPath({ id: r.id, journey_id: journeyId, path: r.path })) };
}
