import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Receipt counts kept per batch and status code as receipts arrive, instead of grouping the receipts
 * on every read of a task's or journey's details: grouping a million receipts took 550–630 ms, over
 * the 200 ms the details must answer in (docs/receipts.md). `receipts` is how many receipts of that
 * code the batch's users reported (a repeated msg_id not counted again), `users` how many distinct
 * users of the batch reported that code. They go with their batch, and stay when the retention sweep
 * purges the receipts themselves, as the batch's other counts do. Existing receipts are counted.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await sql`
    create table receipt_counts (
      batch_id text not null references delivery_batches (id) on delete cascade,
      status text not null,
      receipts integer not null,
      users integer not null,
      primary key (batch_id, status)
    )${sql.raw(dialect === 'sqlite' ? ' without rowid' : '')}`.execute(db);
  await sql`
    insert into receipt_counts (batch_id, status, receipts, users)
    select r.batch_id, r.status, count(*), count(distinct r.action_id)
    from receipts r join delivery_batches b on b.id = r.batch_id
    group by r.batch_id, r.status`.execute(db);
}
