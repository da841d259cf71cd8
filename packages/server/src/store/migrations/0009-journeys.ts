import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/** Journeys (Automated Marketing): their versions, one process instance per user and entry, and each instance's past node visits. */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('journeys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('latest_version', 'integer', (c) => c.notNull())
    .addColumn('published_version', 'integer')
    // The published version's entry, copied out so the runner finds due audience entries by index.
    .addColumn('entry_type', 'text')
    .addColumn('audience_id', 'text')
    .addColumn('entry_at', time)
    .addColumn('reentry', 'text')
    // Audience entry progress: the last customer_id entered, and a lease on the entering.
    .addColumn('audience_cursor', 'text')
    .addColumn('audience_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('entry_lease_owner', 'text')
    .addColumn('entry_lease_expires_at', time)
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addColumn('published_at', time)
    .addColumn('stopped_at', time)
    .execute();
  await db.schema.createIndex('journeys_workspace_created').on('journeys').columns(['workspace_id', 'created_at']).execute();
  await db.schema.createIndex('journeys_entry_due').on('journeys').columns(['status', 'audience_done', 'entry_at']).execute();

  await db.schema
    .createTable('journey_versions')
    .addColumn('journey_id', 'text', (c) => c.notNull().references('journeys.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('published_at', time)
    .addPrimaryKeyConstraint('journey_versions_pk', ['journey_id', 'version'])
    .execute();

  await db.schema
    .createTable('journey_instances')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('journey_id', 'text', (c) => c.notNull().references('journeys.id').onDelete('cascade'))
    .addColumn('journey_version', 'integer', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    // The user's IDs and attributes when they entered: what webhook nodes send.
    .addColumn('ids', 'text', (c) => c.notNull())
    .addColumn('attributes', 'text', (c) => c.notNull())
    // Set when a user may enter only once (audience entry, re-entry "never"): unique per journey.
    .addColumn('entry_key', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('visit_id', 'text', (c) => c.notNull())
    .addColumn('node_entered_at', time, (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('exit', 'text')
    .addColumn('due_at', time)
    .addColumn('group_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('last_batch_id', 'text')
    .addColumn('last_action_id', 'text')
    .addColumn('steps', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', time)
    .addColumn('started_at', time, (c) => c.notNull())
    .addColumn('exited_at', time)
    .execute();
  // The runner claims due instances (arrivals, wait ends, judged users) oldest first.
  await db.schema.createIndex('journey_instances_due').on('journey_instances').columns(['phase', 'due_at']).execute();
  // Judgment sweeps per node; per-node counts; one user's instances.
  await db.schema.createIndex('journey_instances_node').on('journey_instances').columns(['journey_id', 'journey_version', 'node_id', 'phase']).execute();
  await db.schema.createIndex('journey_instances_customer').on('journey_instances').columns(['journey_id', 'customer_id']).execute();
  await db.schema.createIndex('journey_instances_entry_key').on('journey_instances').columns(['journey_id', 'entry_key']).unique().execute();
  // At most one instance of a user in a journey at a time, whatever the re-entry policy.
  await db.schema
    .createIndex('journey_instances_one_active')
    .on('journey_instances')
    .columns(['journey_id', 'customer_id'])
    .unique()
    .where(sql.ref('status'), '=', 'active')
    .execute();

  let steps = db.schema
    .createTable('journey_steps')
    .addColumn('instance_id', 'text', (c) => c.notNull().references('journey_instances.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('journey_id', 'text', (c) => c.notNull())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('visit_id', 'text', (c) => c.notNull())
    .addColumn('entered_at', time, (c) => c.notNull())
    .addColumn('left_at', time, (c) => c.notNull())
    .addColumn('exit', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('journey_steps_pk', ['instance_id', 'seq']);
  if (dialect === 'sqlite') steps = steps.modifyEnd(sql`without rowid`);
  await steps.execute();
  await db.schema.createIndex('journey_steps_node').on('journey_steps').columns(['journey_id', 'node_id', 'exit']).execute();
}
