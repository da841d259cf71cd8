import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Node visits move from a row each in journey_steps (a key and an index entry per visit, two per
 * user for a send-then-judge journey) onto the instance's own row, as lines of `path` appended by the
 * write that moves it anyway (journeys/path.ts). The per-node exit counts the details page read from
 * the steps' index become journey_node_exits, a counter per journey, node and exit added to in the
 * same transaction. Existing steps are carried over, in order, and counted.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await sql`alter table journey_instances add column path text not null default ''`.execute(db);
  const line =
    dialect === 'postgres'
      ? sql`json_build_array(s.node_id, s.visit_id, s.entered_at, s.left_at, s.exit)::text || chr(10)`
      : sql`json_array(s.node_id, s.visit_id, s.entered_at, s.left_at, s.exit) || char(10)`;
  const joined = dialect === 'postgres' ? sql`string_agg(${line}, '' order by s.seq)` : sql`group_concat(${line}, '' order by s.seq)`;
  await sql`
    update journey_instances set path = (select ${joined} from journey_steps s where s.instance_id = journey_instances.id)
    where id in (select instance_id from journey_steps)`.execute(db);
  let exits = db.schema
    .createTable('journey_node_exits')
    .addColumn('journey_id', 'text', (c) => c.notNull().references('journeys.id').onDelete('cascade'))
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('exit', 'text', (c) => c.notNull())
    .addColumn('users', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('journey_node_exits_pk', ['journey_id', 'node_id', 'exit']);
  if (dialect === 'sqlite') exits = exits.modifyEnd(sql`without rowid`);
  await exits.execute();
  await sql`
    insert into journey_node_exits (journey_id, node_id, exit, users)
    select journey_id, node_id, exit, count(*) from journey_steps group by journey_id, node_id, exit`.execute(db);
  await sql`drop table journey_steps`.execute(db);
}
