import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Two fewer indexes on journey_instances, each written on every entry and rewritten on every judged
 * move (docs/benchmarks.md, fifth session):
 * - (journey_id, customer_id) and the unique (journey_id, entry_key) become one unique
 *   (journey_id, customer_id, entry_key). entry_key is the customer's id (a journey a user may enter
 *   once) or null, so the new key refuses exactly the repeats the old one did, and its prefix still
 *   finds a user's instances.
 * - The partial (last_batch_id) index of 0012 goes: a finished journey batch finds its waiting users
 *   through its messages (delivery_messages by batch) and the partial (last_action_id) index.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await sql`drop index if exists journey_instances_customer`.execute(db);
  await sql`drop index if exists journey_instances_entry_key`.execute(db);
  await sql`drop index if exists journey_instances_judging_batch`.execute(db);
  await db.schema.createIndex('journey_instances_customer_entry').on('journey_instances').columns(['journey_id', 'customer_id', 'entry_key']).unique().execute();
}
