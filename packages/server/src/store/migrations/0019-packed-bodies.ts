import { sql, type Kysely } from 'kysely';
import { packBody } from '../../delivery/stored-body.js';
import type { Dialect } from '../dialect.js';

/**
 * Batch bodies stored packed (delivery/stored-body.ts) in a binary column instead of as JSON text:
 * about 5% of the bytes, which was most of what a task wrote and checkpointed. SQL cannot deflate,
 * so existing bodies are packed here, a page at a time, into a new table that replaces the old one.
 * On SQLite, whose DDL the migrator does not wrap, the whole move is one transaction of its own.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') return move(db, 'bytea');
  await db.transaction().execute((trx) => move(trx, 'blob'));
}

async function move(db: Kysely<unknown>, binary: 'bytea' | 'blob'): Promise<void> {
  await sql`create table delivery_packed_bodies (
    batch_id text primary key references delivery_batches (id) on delete cascade,
    body ${sql.raw(binary)} not null
  )`.execute(db);
  let after = '';
  for (;;) {
    const page = await sql<{ batch_id: string; body: string }>`
      select batch_id, body from delivery_bodies where batch_id > ${after} order by batch_id limit ${PAGE_ROWS}`.execute(db);
    if (page.rows.length === 0) break;
    for (const row of page.rows) {
      await sql`insert into delivery_packed_bodies (batch_id, body) values (${row.batch_id}, ${packBody(row.body)})`.execute(db);
    }
    after = page.rows[page.rows.length - 1]!.batch_id;
  }
  await sql`drop table delivery_bodies`.execute(db);
  await sql`alter table delivery_packed_bodies rename to delivery_bodies`.execute(db);
}

/** Bodies read at once: up to about 10 MB of JSON in memory. */
const PAGE_ROWS = 200;
