import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * A batch's users as one roster row instead of one row each: `delivery_rosters` holds, per batch, a
 * JSON array of `[action_id, customer_id, target_type, target_id]` in action id order, written with the
 * batch. Inserting a million message rows was the largest statement time of a 1,000,000-user task on
 * the event loop (1.9 s of about 10; without it the task ran about 12% faster, docs/benchmarks.md,
 * seventh session), and every reader already goes by batch. `delivery_messages` stays, as a view that
 * expands the rosters, so queries by batch read as before.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') {
    await sql`create table delivery_rosters (
      batch_id text primary key references delivery_batches (id) on delete cascade,
      roster jsonb not null
    )`.execute(db);
    await sql`insert into delivery_rosters (batch_id, roster)
      select batch_id, jsonb_agg(jsonb_build_array(action_id, customer_id, target_type, target_id) order by action_id)
      from delivery_messages group by batch_id`.execute(db);
    await sql`drop table delivery_messages`.execute(db);
    await sql`create view delivery_messages as
      select r.batch_id, m.value ->> 0 as action_id, m.value ->> 1 as customer_id, m.value ->> 2 as target_type, m.value ->> 3 as target_id
      from delivery_rosters r cross join lateral jsonb_array_elements(r.roster) as m(value)`.execute(db);
    return;
  }
  await sql`create table delivery_rosters (
    batch_id text primary key references delivery_batches (id) on delete cascade,
    roster text not null
  )`.execute(db);
  await sql`insert into delivery_rosters (batch_id, roster)
    select batch_id, json_group_array(json_array(action_id, customer_id, target_type, target_id))
    from (select * from delivery_messages order by batch_id, action_id) group by batch_id`.execute(db);
  await sql`drop table delivery_messages`.execute(db);
  await sql`create view delivery_messages as
    select r.batch_id as batch_id, m.value ->> 0 as action_id, m.value ->> 1 as customer_id, m.value ->> 2 as target_type, m.value ->> 3 as target_id
    from delivery_rosters r cross join json_each(r.roster) m`.execute(db);
}
