import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Receipts keyed by (action_id, msg_id) instead of a random id plus a (webhook_id, msg_id) index.
 * Why: msg_id is the integrator's random value, so every index led by it took a random b-tree page
 * per receipt and the write cost grew with the table; action ids are Hookreach's time-ordered ids,
 * so a report's receipts land on a few neighbouring pages. A message's latest receipt is derived
 * from this table (newest received_at, then last in its report), so accepting a receipt no longer
 * rewrites the message's row.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  await sql`alter table receipts rename to receipts_0002`.execute(db);
  await sql`drop index if exists receipts_action`.execute(db);
  await sql`drop index if exists receipts_batch`.execute(db);
  await sql`
    create table receipts (
      action_id text not null,
      msg_id text not null,
      webhook_id text not null,
      batch_id text not null,
      customer_id text not null,
      status text not null,
      send_time text not null,
      received_at ${sql.raw(time)} not null,
      position integer not null,
      primary key (action_id, msg_id)
    )${sql.raw(dialect === 'sqlite' ? ' without rowid' : '')}`.execute(db);
  // Task details and journey branches count receipts per batch (and per task through its batches).
  await sql`create index receipts_batch on receipts (batch_id, status)`.execute(db);
  // The old ids were time-ordered, so their order is the order of arrival within a report. The old
  // key (webhook_id, msg_id) was unique and a message belongs to one webhook, so no row collides.
  await sql`
    insert into receipts (action_id, msg_id, webhook_id, batch_id, customer_id, status, send_time, received_at, position)
    select action_id, msg_id, webhook_id, batch_id, customer_id, status, send_time, received_at,
           row_number() over (partition by received_at order by id)
    from receipts_0002`.execute(db);
  await sql`drop table receipts_0002`.execute(db);
  await sql`alter table delivery_messages drop column receipt_status`.execute(db);
  await sql`alter table delivery_messages drop column receipt_at`.execute(db);
}
