import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Receipts in one b-tree, keyed (batch_id, action_id, msg_id), instead of three: the old key
 * (action_id, msg_id), the (batch_id, status) index for counts and the received_at index. Every
 * reader knows a message's batch (receipts name it, messages and journey users store it), counts
 * per batch read the key's range, and the retention sweep walks the key from its oldest batch.
 * Only journeys read receipts by arrival time, so the (received_at, status) index is partial:
 * receipts of journey messages (`for_journey`). webhook_id and customer_id are the message's,
 * checked equal on arrival, so they are read from delivery_messages instead of stored again.
 * Measured with better-sqlite3 alone: 7.3–7.7 µs per receipt inserted before, 4.9–5.3 after, and
 * 2.6x fewer bytes written (docs/benchmarks.md).
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  await sql`alter table receipts rename to receipts_0005`.execute(db);
  await sql`drop index if exists receipts_batch`.execute(db);
  await sql`drop index if exists receipts_received`.execute(db);
  await sql`
    create table receipts (
      batch_id text not null,
      action_id text not null,
      msg_id text not null,
      status text not null,
      send_time text not null,
      received_at ${sql.raw(time)} not null,
      position integer not null,
      for_journey integer,
      primary key (batch_id, action_id, msg_id)
    )${sql.raw(dialect === 'sqlite' ? ' without rowid' : '')}`.execute(db);
  await sql`
    insert into receipts (batch_id, action_id, msg_id, status, send_time, received_at, position, for_journey)
    select r.batch_id, r.action_id, r.msg_id, r.status, r.send_time, r.received_at, r.position,
           case when b.journey_id is null then null else 1 end
    from receipts_0005 r left join delivery_batches b on b.id = r.batch_id`.execute(db);
  await sql`drop table receipts_0005`.execute(db);
  // Journeys read the receipts of their messages that arrived since their last look, and their status (so from the index alone).
  await db.schema.createIndex('receipts_journey_received').on('receipts').columns(['received_at', 'status']).where(sql.ref('for_journey'), '=', 1).execute();
}
