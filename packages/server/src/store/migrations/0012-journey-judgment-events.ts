import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Judgment driven by what changed (docs/journeys.md, "How judgment is driven"): the runner reads the
 * receipts and journey batches that arrived or finished since its last look and finds the users
 * waiting on them. Partial indexes keep only users waiting at a judgment (and only journey batches),
 * so they stay small and cost nothing for rows that never wait.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  // A receipt's user, and a finished batch's users, among those waiting at a judgment.
  await db.schema.createIndex('journey_instances_judging_action').on('journey_instances').column('last_action_id').where(sql.ref('phase'), '=', 'judge').execute();
  await db.schema.createIndex('journey_instances_judging_batch').on('journey_instances').column('last_batch_id').where(sql.ref('phase'), '=', 'judge').execute();
  // Journey batches by the time they finished (tasks' batches are not indexed).
  await db.schema.createIndex('delivery_batches_journey_finished').on('delivery_batches').column('finished_at').where(sql.ref('journey_id'), 'is not', null).execute();
}
