import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Journey cohorts (docs/journeys.md, "Cohorts"): users who entered together from an audience, were
 * sent in one batch and wait at a judgment whose every branch ends share one row until judged,
 * instead of an instance row each inserted at entry and rewritten when judged. `journey_entries`
 * keeps their customers, so each still enters once; `journey_cohort_users` counts the members no
 * longer waiting by node and status, for the details page.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  const withoutRowid = sql.raw(dialect === 'sqlite' ? ' without rowid' : '');
  await sql`
    create table journey_cohorts (
      id text primary key,
      workspace_id text not null,
      journey_id text not null references journeys (id) on delete cascade,
      journey_version integer not null,
      node_id text not null,
      batch_id text not null,
      started_at ${sql.raw(time)} not null,
      node_entered_at ${sql.raw(time)} not null,
      due_at ${sql.raw(time)},
      members text not null,
      results text not null,
      pending integer not null,
      settled_at ${sql.raw(time)},
      revision integer not null
    )`.execute(db);
  // Judged by their batch's receipts and end; swept per node; deadlines of those still waiting.
  await sql`create index journey_cohorts_batch on journey_cohorts (batch_id)`.execute(db);
  await sql`create index journey_cohorts_node on journey_cohorts (journey_id, node_id, journey_version)`.execute(db);
  await sql`create index journey_cohorts_due on journey_cohorts (due_at) where pending > 0`.execute(db);
  await sql`
    create table journey_entries (
      journey_id text not null references journeys (id) on delete cascade,
      customer_id text not null,
      cohort_id text not null,
      primary key (journey_id, customer_id)
    )${withoutRowid}`.execute(db);
  await sql`
    create table journey_cohort_users (
      journey_id text not null references journeys (id) on delete cascade,
      node_id text not null,
      status text not null,
      users integer not null,
      primary key (journey_id, node_id, status)
    )${withoutRowid}`.execute(db);
}
