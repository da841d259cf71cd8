import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/** The audit log: every configuration and grant change, with before/after values. */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  // A sequence orders entries written in the same millisecond; SQLite needs it to be the primary key.
  await db.schema
    .createTable('audit_log')
    .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('resource_type', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('before_value', 'text')
    .addColumn('after_value', 'text')
    .addColumn('at', time, (c) => c.notNull())
    .execute();
  // The list reads newest first, optionally narrowed to one resource or one member.
  await db.schema.createIndex('audit_log_workspace_at').on('audit_log').columns(['workspace_id', 'at', 'seq']).execute();
  await db.schema.createIndex('audit_log_resource').on('audit_log').columns(['workspace_id', 'resource_type', 'resource_id', 'at']).execute();
  await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['workspace_id', 'actor_id', 'at']).execute();
}
