import { sql, type ExpressionBuilder, type Kysely, type Selectable } from 'kysely';
import { chunk, IN_CHUNK } from '../receipts/store.js';
import type { Store } from '../store/database.js';
import type { Database, JourneyInstanceRow, JourneyStepRow } from '../store/schema.js';

/**
 * The engine's queries on `journey_instances` and `journey_steps`. Work is claimed with a lease (as
 * the delivery outbox does) and every write of a claimed instance is guarded by its owner, so a
 * runner whose lease was taken over writes nothing.
 */

export type InstanceRow = Selectable<JourneyInstanceRow>;

/** Inserts new instances, skipping any whose entry key or active customer is already in the journey; returns the ids inserted. */
export async function insertInstances(db: Kysely<Database>, rows: readonly JourneyInstanceRow[]): Promise<Set<string>> {
  const inserted = new Set<string>();
  for (const part of chunk(rows, 100)) {
    const returned = await db.insertInto('journey_instances').values(part).onConflict((oc) => oc.doNothing()).returning('id').execute();
    for (const r of returned) inserted.add(r.id);
  }
  return inserted;
}

const due = (now: number) => (eb: ExpressionBuilder<Database, 'journey_instances'>) =>
  eb.and([
    eb('journey_instances.phase', 'in', ['arrive', 'leave']),
    eb('journey_instances.due_at', '<=', now),
    eb.or([eb('journey_instances.lease_owner', 'is', null), eb('journey_instances.lease_expires_at', '<=', now)]),
    eb('journey_instances.journey_id', 'in', eb.selectFrom('journeys').select('journeys.id').where('journeys.status', '=', 'published')),
  ]);

/** Leases up to `limit` instances of running journeys that are due to act (arrivals, ended waits, judged users), oldest due first. */
export async function claimDueInstances(store: Store, claim: { owner: string; now: number; leaseUntil: number; limit: number }): Promise<InstanceRow[]> {
  const { db } = store;
  const pick = db.selectFrom('journey_instances').select('journey_instances.id').where(due(claim.now)).orderBy('journey_instances.due_at').limit(claim.limit);
  const lease = { lease_owner: claim.owner, lease_expires_at: claim.leaseUntil };
  if (store.dialect === 'sqlite') {
    // SQLite serialises writers: nobody else can claim the subquery's rows meanwhile.
    return db.updateTable('journey_instances').set(lease).where('id', 'in', pick).returningAll().execute();
  }
  // Materialised so the planner cannot rescan the locked subquery per row (see delivery/outbox.ts).
  return db
    .with((cte) => cte('picked').materialized(), () => pick.forUpdate().skipLocked())
    .updateTable('journey_instances')
    .from('picked')
    .set(lease)
    .whereRef('journey_instances.id', '=', 'picked.id')
    .where(due(claim.now))
    .returningAll('journey_instances')
    .execute();
}

/** The columns an advance rewrites on an instance. */
export type InstanceChange = Pick<
  JourneyInstanceRow,
  'id' | 'status' | 'node_id' | 'visit_id' | 'node_entered_at' | 'phase' | 'exit' | 'due_at' | 'group_name' | 'last_batch_id' | 'last_action_id' | 'steps' | 'exited_at'
>;

/** Lost the lease on a claimed instance: the whole transaction must roll back. */
export class LeaseLostError extends Error {
  constructor(id: string) {
    super(`the lease on journey instance ${id} was taken over`);
  }
}

/** Writes advanced instances (releasing their lease) and their finished steps; throws LeaseLostError if any lease is no longer `owner`'s. */
export async function writeAdvance(db: Kysely<Database>, owner: string, changes: readonly InstanceChange[], steps: readonly JourneyStepRow[]): Promise<void> {
  for (const { id, ...change } of changes) {
    const result = await db
      .updateTable('journey_instances')
      .set({ ...change, lease_owner: null, lease_expires_at: null })
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw new LeaseLostError(id);
  }
  for (const part of chunk(steps, 100)) await db.insertInto('journey_steps').values(part).execute();
}

/** Gives back leases of instances this runner could not advance (due again at once). */
export async function releaseInstances(db: Kysely<Database>, owner: string, ids: readonly string[]): Promise<void> {
  for (const part of chunk(ids, IN_CHUNK)) {
    await db.updateTable('journey_instances').set({ lease_owner: null, lease_expires_at: null }).where('id', 'in', part).where('lease_owner', '=', owner).execute();
  }
}

/** A user at a judgment node whose result may be known, with their send's batch status. */
export interface JudgeCandidate {
  id: string;
  lastActionId: string | null;
  batchStatus: string | null;
  dueAt: number;
}

/**
 * Users of one judgment node (journey, version, node) that can be judged now: their deadline passed,
 * their batch ended (failed or cancelled; succeeded when no receipt is awaited), or a receipt with a
 * chosen status arrived. One statement per node, whatever its number of users.
 */
export async function findJudgeCandidates(
  db: Kysely<Database>,
  node: { journeyId: string; version: number; nodeId: string; codes: readonly string[]; awaitsReceipts: boolean },
  now: number,
  limit: number,
): Promise<JudgeCandidate[]> {
  const rows = await db
    .selectFrom('journey_instances as i')
    .leftJoin('delivery_batches as b', 'b.id', 'i.last_batch_id')
    .select(['i.id', 'i.last_action_id', 'i.due_at', 'b.status as batch_status'])
    .where('i.journey_id', '=', node.journeyId)
    .where('i.journey_version', '=', node.version)
    .where('i.node_id', '=', node.nodeId)
    .where('i.phase', '=', 'judge')
    .where((eb) => {
      const decidable = [
        eb('i.due_at', '<=', now),
        eb('b.status', 'in', ['failed', 'cancelled']),
        eb('i.last_batch_id', 'is', null),
      ];
      if (!node.awaitsReceipts) decidable.push(eb('b.status', '=', 'succeeded'));
      if (node.codes.length > 0) {
        decidable.push(
          eb.exists(
            eb.selectFrom('receipts as r').select(sql.lit(1).as('one')).whereRef('r.action_id', '=', 'i.last_action_id').where('r.status', 'in', [...node.codes]),
          ),
        );
      }
      return eb.or(decidable);
    })
    .orderBy('i.due_at')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, lastActionId: r.last_action_id, batchStatus: r.batch_status ?? null, dueAt: Number(r.due_at) }));
}

/** Moves judged users on: each leaves by its branch when the runner next claims it. Guarded, so a user is judged once. */
export async function markJudged(db: Kysely<Database>, byExit: ReadonlyMap<string, readonly string[]>, now: number): Promise<number> {
  let moved = 0;
  for (const [exit, ids] of byExit) {
    for (const part of chunk(ids, IN_CHUNK)) {
      const result = await db
        .updateTable('journey_instances')
        .set({ phase: 'leave', exit, due_at: now })
        .where('id', 'in', part)
        .where('phase', '=', 'judge')
        .executeTakeFirst();
      moved += Number(result.numUpdatedRows);
    }
  }
  return moved;
}
