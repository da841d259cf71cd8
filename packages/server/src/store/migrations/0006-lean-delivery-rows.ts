import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Keeps the rows the engine rewrites small. Why: SQLite rewrites a whole record (its overflow pages
 * too) on any update, so a ~40 KB body inside `delivery_batches` was copied on the claim and again on
 * the record of every attempt, and every read of a column stored after it walked its overflow pages.
 * Bodies move to `delivery_bodies`, written once. A message's status and send time follow its
 * batch, so they are derived from it on read instead of rewriting 100 message rows per batch.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('delivery_bodies')
    .addColumn('batch_id', 'text', (c) => c.primaryKey().references('delivery_batches.id').onDelete('cascade'))
    .addColumn('body', 'text', (c) => c.notNull())
    .execute();
  await sql`insert into delivery_bodies (batch_id, body) select id, body from delivery_batches`.execute(db);
  await sql`alter table delivery_batches drop column body`.execute(db);
  await sql`alter table delivery_messages drop column status`.execute(db);
  await sql`alter table delivery_messages drop column sent_at`.execute(db);
}
