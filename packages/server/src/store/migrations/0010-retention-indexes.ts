import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/** Time indexes the retention sweeper deletes along, so each purge is one bounded index range, never a scan. */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.createIndex('delivery_attempts_started').on('delivery_attempts').column('started_at').execute();
  await db.schema.createIndex('test_sends_created').on('test_sends').column('created_at').execute();
  await db.schema.createIndex('receipts_received').on('receipts').column('received_at').execute();
}
