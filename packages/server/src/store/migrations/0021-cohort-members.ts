import { sql, type Kysely } from 'kysely';

/**
 * A cohort's members (10–20 KB of JSON, written once) move to a table of their own, so that judging
 * a cohort rewrites only its small row: SQLite rewrites a whole record, overflow pages included, on
 * any update (measured with better-sqlite3 alone: 1,000 cohort updates took 240 ms with the members
 * in the row, 60 ms without; docs/benchmarks.md). PostgreSQL kept them out of line already (TOAST).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table journey_cohort_members (
      cohort_id text primary key references journey_cohorts (id) on delete cascade,
      members text not null
    )`.execute(db);
  await sql`insert into journey_cohort_members (cohort_id, members) select id, members from journey_cohorts`.execute(db);
  await sql`alter table journey_cohorts drop column members`.execute(db);
}
