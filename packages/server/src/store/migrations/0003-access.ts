import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/** Members' state and token labels, roles, member groups and webhook grants. */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema.alterTable('members').addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  // A deleted member stays as a row so tasks, test sends and the audit log can still name who acted.
  await db.schema.alterTable('members').addColumn('deleted_at', time).execute();
  await db.schema.createIndex('members_email_unique').unique().on('members').columns(['workspace_id', 'email']).where(sql.ref('deleted_at'), 'is', null).execute();
  await db.schema.alterTable('api_tokens').addColumn('name', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.createIndex('api_tokens_member').on('api_tokens').column('member_id').execute();

  await db.schema
    .createTable('roles')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('permissions', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('roles_name_unique').unique().on('roles').columns(['workspace_id', 'name']).execute();
  await db.schema
    .createTable('member_roles')
    .addColumn('member_id', 'text', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('role_id', 'text', (c) => c.notNull().references('roles.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('member_roles_pk', ['member_id', 'role_id'])
    .execute();
  await db.schema.createIndex('member_roles_role').on('member_roles').column('role_id').execute();

  await db.schema
    .createTable('member_groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('member_groups_name_unique').unique().on('member_groups').columns(['workspace_id', 'name']).execute();
  await db.schema
    .createTable('member_group_members')
    .addColumn('group_id', 'text', (c) => c.notNull().references('member_groups.id').onDelete('cascade'))
    .addColumn('member_id', 'text', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('member_group_members_pk', ['group_id', 'member_id'])
    .execute();
  await db.schema.createIndex('member_group_members_member').on('member_group_members').column('member_id').execute();

  await db.schema
    .createTable('webhook_grants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.references('members.id').onDelete('cascade'))
    .addColumn('group_id', 'text', (c) => c.references('member_groups.id').onDelete('cascade'))
    .addColumn('valid_from', time, (c) => c.notNull())
    .addColumn('valid_until', time, (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    // The grant's subject is exactly the one its method names.
    .addCheckConstraint(
      'webhook_grants_subject',
      sql`(method = 'member' and member_id is not null and group_id is null) or (method = 'group' and group_id is not null and member_id is null)`,
    )
    .execute();
  await db.schema.createIndex('webhook_grants_webhook_member').unique().on('webhook_grants').columns(['webhook_id', 'member_id']).execute();
  await db.schema.createIndex('webhook_grants_webhook_group').unique().on('webhook_grants').columns(['webhook_id', 'group_id']).execute();
  await db.schema.createIndex('webhook_grants_member').on('webhook_grants').column('member_id').execute();
  await db.schema.createIndex('webhook_grants_group').on('webhook_grants').column('group_id').execute();
}
