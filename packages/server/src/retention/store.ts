import { sql, type Kysely } from 'kysely';
import { firstIdAt } from '../shared/ids.js';
import type { Database } from '../store/schema.js';

/**
 * Deletes the bodies of at most `limit` batches that finished before `before`, oldest batch first.
 * Bodies are walked in batch id order (ids are time-ordered), so the scan starts at the oldest body
 * still stored and stops after `limit` matches. Returns how many were deleted.
 */
export async function purgePayloads(db: Kysely<Database>, before: number, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('delivery_bodies')
    .where('batch_id', 'in', (eb) =>
      eb
        .selectFrom('delivery_bodies as d')
        .innerJoin('delivery_batches as b', 'b.id', 'd.batch_id')
        .select('d.batch_id')
        .where('b.finished_at', '<', before)
        .where('b.status', 'in', ['succeeded', 'failed', 'cancelled'])
        .orderBy('d.batch_id')
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes the attempts started before `before` of at most `limit` batches (their oldest first). */
export async function purgeAttempts(db: Kysely<Database>, before: number, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('delivery_attempts')
    .where('started_at', '<', before)
    .where('batch_id', 'in', (eb) => eb.selectFrom('delivery_attempts').select('batch_id').where('started_at', '<', before).orderBy('started_at').limit(limit))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes at most `limit` test sends (with their logs) made before `before`. */
export async function purgeTestSends(db: Kysely<Database>, before: number, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('test_sends')
    .where('id', 'in', (eb) => eb.selectFrom('test_sends').select('id').where('created_at', '<', before).orderBy('created_at').limit(limit))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Deletes at most `limit` rows of receipts (a report's receipts about one batch) received before
 * `before`. Rows are keyed by batch, and a receipt comes after its batch was made, so only batches
 * made before `before` (their ids are time-ordered) can hold one: the walk is that key range, oldest
 * batch first, never the whole table.
 */
export async function purgeReceipts(db: Kysely<Database>, before: number, limit: number): Promise<number> {
  const { numAffectedRows } = await sql`
    delete from batch_receipts where (batch_id, received_at, report) in (
      select batch_id, received_at, report from batch_receipts
      where batch_id < ${firstIdAt('bat', before)} and received_at < ${before}
      order by batch_id, received_at, report limit ${limit})`.execute(db);
  return Number(numAffectedRows ?? 0);
}
