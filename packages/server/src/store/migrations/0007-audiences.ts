import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/** Audiences, their users (IDs and attributes as JSON text) and what uses them (tasks, journeys). */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('audiences')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('user_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addUniqueConstraint('audiences_workspace_name', ['workspace_id', 'name'])
    .execute();

  // One B-tree keyed by (audience_id, customer_id) on SQLite: an import upserts into it a million
  // rows at a time and tasks page through it in that order, so a separate rowid table would only add work.
  let users = db.schema
    .createTable('audience_users')
    .addColumn('audience_id', 'text', (c) => c.notNull().references('audiences.id').onDelete('cascade'))
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('ids', 'text', (c) => c.notNull())
    .addColumn('attributes', 'text', (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('audience_users_pk', ['audience_id', 'customer_id']);
  if (dialect === 'sqlite') users = users.modifyEnd(sql`without rowid`);
  await users.execute();

  // Fed by tasks and journeys, read by audience deletion (the same shape as webhook_usages).
  await db.schema
    .createTable('audience_usages')
    .addColumn('audience_id', 'text', (c) => c.notNull().references('audiences.id'))
    .addColumn('owner_kind', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('owner_name', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('audience_usages_pk', ['audience_id', 'owner_kind', 'owner_id'])
    .execute();
}
