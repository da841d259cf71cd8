import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Receipts stored one row per batch and report (`batch_receipts`) instead of one row per receipt:
 * a report of 1,000 receipts about 10 batches writes 10 rows. `entries` holds four fields per
 * receipt (action_id, msg_id, status, send_time), in report order, joined by U+0001
 * (receipt-entries.ts). Inserting a row per receipt cost 1.85–3.18 µs per receipt, a row per batch
 * and report 0.40–0.44 (better-sqlite3 alone, docs/benchmarks.md); the insert was a fifth of the
 * receipts route's CPU. Every reader knows the
 * batch, and a batch's receipts are a few rows of its key range. `report` is the report's nonce
 * (unique while it can be replayed), so two reports in the same millisecond are two rows. Existing
 * receipts become one row per batch and arrival time, in their report order.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  await sql`
    create table batch_receipts (
      batch_id text not null,
      received_at ${sql.raw(time)} not null,
      report text not null,
      for_journey integer,
      entries text not null,
      primary key (batch_id, received_at, report)
    )`.execute(db);
  // The fields joined by U+0001 (receipts/receipt-entries.ts). The receipts schema has refused control characters
  // in a msg_id from the start; one holding U+0001 anyway is stored with U+FFFD in its place rather than split.
  const separator = dialect === 'postgres' ? sql.raw('chr(1)') : sql.raw('char(1)');
  const msgId = dialect === 'postgres' ? sql.raw("replace(msg_id, chr(1), chr(65533))") : sql.raw("replace(msg_id, char(1), char(65533))");
  const entry = sql`action_id || ${separator} || ${msgId} || ${separator} || status || ${separator} || send_time`;
  const joined = dialect === 'postgres' ? sql`string_agg(${entry}, ${separator} order by position)` : sql`group_concat(${entry}, ${separator} order by position)`;
  await sql`
    insert into batch_receipts (batch_id, received_at, report, for_journey, entries)
    select batch_id, received_at, 'migrated', max(for_journey), ${joined}
    from receipts group by batch_id, received_at`.execute(db);
  await sql`drop table receipts`.execute(db);
  // Journeys read the receipts of their messages that arrived since their last look.
  await sql`create index batch_receipts_journey_received on batch_receipts (received_at) where for_journey = 1`.execute(db);
}
