import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/** Webhook tasks (Reach Marketing) and the index their details and recipients read batches by. */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    // No cascade: a task's usage rows keep its audience and webhook from being deleted under it.
    .addColumn('audience_id', 'text', (c) => c.notNull().references('audiences.id'))
    .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id'))
    .addColumn('id_type', 'text', (c) => c.notNull())
    .addColumn('batch_size', 'integer', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('missing_variable', 'text', (c) => c.notNull())
    .addColumn('schedule', 'text', (c) => c.notNull())
    .addColumn('send_at', time, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('failure', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', time)
    .addColumn('cursor', 'text')
    .addColumn('all_enqueued', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('audience_size', 'integer')
    .addColumn('users_read', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('users_enqueued', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('batches_enqueued', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped_no_id', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped_missing_variable', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addColumn('started_at', time)
    .addColumn('finished_at', time)
    .execute();
  // The runner looks for due pending tasks and unfinished sending ones; lists go newest first.
  await db.schema.createIndex('tasks_due').on('tasks').columns(['status', 'send_at']).execute();
  await db.schema.createIndex('tasks_workspace_created').on('tasks').columns(['workspace_id', 'created_at']).execute();

  // Task details count a task's batches per status and the recipients list walks them in id order;
  // (task_id, status, id) serves both, and replaces the (task_id) index as its prefix.
  await sql`drop index if exists delivery_batches_task`.execute(db);
  await db.schema.createIndex('delivery_batches_task_status').on('delivery_batches').columns(['task_id', 'status', 'id']).execute();
}
