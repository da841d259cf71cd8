import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Each cohort keeps its members' action ids in its own row, in member order, joined by commas (ids
 * hold none): all the judgment reads of the members, which it had parsed out of their 20 KB of JSON
 * (journey_cohort_members) for every cohort it judged, about a tenth of a journey's event loop.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await sql`alter table journey_cohorts add column member_actions text not null default ''`.execute(db);
  const actions =
    dialect === 'postgres'
      ? sql`(select string_agg(e.value ->> 2, ',' order by e.position) from journey_cohort_members m, jsonb_array_elements(m.members::jsonb) with ordinality as e(value, position) where m.cohort_id = journey_cohorts.id)`
      : sql`(select group_concat(json_extract(e.value, '$[2]'), ',' order by e.key) from journey_cohort_members m, json_each(m.members) as e where m.cohort_id = journey_cohorts.id)`;
  await sql`update journey_cohorts set member_actions = coalesce(${actions}, '')`.execute(db);
}
