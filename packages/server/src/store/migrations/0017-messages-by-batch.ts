import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * delivery_messages keyed (batch_id, action_id), with no other index and no webhook_id of its own
 * (the batch's). Every reader knows a message's batch: receipts name it in callback_params.batchId,
 * journeys keep last_batch_id, task pages walk batches. So the action_id key and the batch_id index
 * were two b-trees written per user for lookups the key's order gives. On SQLite the table is
 * WITHOUT ROWID, clustered by batch: 2.8 µs per inserted user instead of 3.7–4.1, and 113 MB instead
 * of 190 for a million users (better-sqlite3 alone, docs/benchmarks.md, sixth session).
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') {
    await sql`alter table delivery_messages drop constraint delivery_messages_pkey`.execute(db);
    await sql`drop index if exists delivery_messages_batch`.execute(db);
    await sql`alter table delivery_messages add primary key (batch_id, action_id)`.execute(db);
    await sql`alter table delivery_messages drop column webhook_id`.execute(db);
    return;
  }
  await sql`create table delivery_messages_by_batch (
    batch_id text not null references delivery_batches (id) on delete cascade,
    action_id text not null,
    customer_id text not null,
    target_type text not null,
    target_id text not null,
    primary key (batch_id, action_id)
  ) without rowid`.execute(db);
  await sql`insert into delivery_messages_by_batch (batch_id, action_id, customer_id, target_type, target_id)
    select batch_id, action_id, customer_id, target_type, target_id from delivery_messages order by batch_id, action_id`.execute(db);
  await sql`drop table delivery_messages`.execute(db);
  await sql`alter table delivery_messages_by_batch rename to delivery_messages`.execute(db);
}
