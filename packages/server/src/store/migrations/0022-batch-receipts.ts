import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Receipts stored one row per batch and report (`batch_receipts`) instead of one row per receipt:
 * a report of 1,000 receipts about 10 batches writes 10 rows. `entries` is a JSON array of four
 * strings per receipt (action_id, msg_id, status, send_time), in report order. Inserting a row per
 * receipt cost 1.85–3.18 µs per receipt, a row per batch and report 0.40–0.44 (better-sqlite3 alone,
 * docs/benchmarks.md); the insert was a fifth of the receipts route's CPU. Every reader knows the
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
  const quote = (column: string) => (dialect === 'postgres' ? sql.raw(`to_json(${column})::text`) : sql.raw(`json_quote(${column})`));
  const entry = sql`${quote('action_id')} || ',' || ${quote('msg_id')} || ',' || ${quote('status')} || ',' || ${quote('send_time')}`;
  const joined = dialect === 'postgres' ? sql`string_agg(${entry}, ',' order by position)` : sql`group_concat(${entry}, ',' order by position)`;
  await sql`
    insert into batch_receipts (batch_id, received_at, report, for_journey, entries)
    select batch_id, received_at, 'migrated', max(for_journey), '[' || ${joined} || ']'
    from receipts group by batch_id, received_at`.execute(db);
  await sql`drop table receipts`.execute(db);
  // Journeys read the receipts of their messages that arrived since their last look.
  await sql`create index batch_receipts_journey_received on batch_receipts (received_at) where for_journey = 1`.execute(db);
}
