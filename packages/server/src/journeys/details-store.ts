import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** Raw per-node counts of one journey (all versions), as the store groups them. */
export interface JourneyCounts {
  instances: { status: string; n: number }[];
  current: { node_id: string; status: string; n: number }[];
  steps: { node_id: string; exit: string; n: number }[];
  batches: { node_id: string | null; status: string; users: number; sent: number }[];
  receipts: { node_id: string | null; status: string; value: string | null; users: number }[];
}

/** Five grouped queries, whatever the number of users. */
export async function countJourney(db: Kysely<Database>, journeyId: string): Promise<JourneyCounts> {
  const [instances, current, steps, batches, receipts] = await Promise.all([
    db.selectFrom('journey_instances').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).where('journey_id', '=', journeyId).groupBy('status').execute(),
    db.selectFrom('journey_instances').select(['node_id', 'status', (eb) => eb.fn.countAll<number>().as('n')]).where('journey_id', '=', journeyId).groupBy(['node_id', 'status']).execute(),
    db.selectFrom('journey_steps').select(['node_id', 'exit', (eb) => eb.fn.countAll<number>().as('n')]).where('journey_id', '=', journeyId).groupBy(['node_id', 'exit']).execute(),
    db
      .selectFrom('delivery_batches')
      .select(['node_id', 'status', sql<number>`sum(user_count)`.as('users'), sql<number>`sum(case when attempts > 0 then user_count else 0 end)`.as('sent')])
      .where('journey_id', '=', journeyId)
      .groupBy(['node_id', 'status'])
      .execute(),
    db
      .selectFrom('receipts as r')
      .innerJoin('delivery_batches as b', 'b.id', 'r.batch_id')
      .leftJoin('receipt_statuses as s', (join) => join.onRef('s.webhook_id', '=', 'r.webhook_id').onRef('s.code', '=', 'r.status'))
      .select(['b.node_id', 'r.status', 's.value', sql<number>`count(distinct r.action_id)`.as('users')])
      .where('b.journey_id', '=', journeyId)
      .groupBy(['b.node_id', 'r.status', 's.value'])
      .orderBy('r.status')
      .execute(),
  ]);
  const num = <T extends { n: number }>(rows: T[]) => rows.map((r) => ({ ...r, n: Number(r.n) }));
  return {
    instances: num(instances),
    current: num(current),
    steps: num(steps),
    batches: batches.map((b) => ({ ...b, users: Number(b.users), sent: Number(b.sent) })),
    receipts: receipts.map((r) => ({ ...r, value: r.value ?? null, users: Number(r.users) })),
  };
}

/** One page of a journey's instances (newest first), optionally of one customer, with the total. */
export async function pageInstances(db: Kysely<Database>, journeyId: string, filter: { customerId?: string; page: number; pageSize: number }) {
  let base = db.selectFrom('journey_instances').where('journey_id', '=', journeyId);
  if (filter.customerId !== undefined) base = base.where('customer_id', '=', filter.customerId);
  const count = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await base
    .select(['id', 'customer_id', 'journey_version', 'status', 'started_at', 'exited_at', 'group_name', 'node_id', 'visit_id', 'node_entered_at', 'phase', 'due_at'])
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize)
    .execute();
  const ids = rows.map((r) => r.id);
  const steps = ids.length === 0 ? [] : await db.selectFrom('journey_steps').selectAll().where('instance_id', 'in', ids).orderBy('instance_id').orderBy('seq').execute();
  return { total: Number(count.n), rows, steps };
}
