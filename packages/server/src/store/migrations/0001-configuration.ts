import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/** Workspaces, members and tokens, ID types, managed parameters and webhooks. */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('workspaces')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('members')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('admin', 'integer', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('member_id', 'text', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('last_used_at', time)
    .addColumn('revoked_at', time)
    .execute();
  await db.schema
    .createTable('id_types')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('id_types_pk', ['workspace_id', 'code'])
    .execute();
  await db.schema
    .createTable('parameters')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('key_sealed', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('parameter_references')
    .addColumn('parameter_id', 'text', (c) => c.notNull().references('parameters.id').onDelete('cascade'))
    .addColumn('referenced_id', 'text', (c) => c.notNull().references('parameters.id'))
    .addPrimaryKeyConstraint('parameter_references_pk', ['parameter_id', 'referenced_id'])
    .execute();
  await db.schema.createIndex('parameter_references_referenced').on('parameter_references').column('referenced_id').execute();
  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('auth_method', 'text', (c) => c.notNull())
    .addColumn('key_sealed', 'text')
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('id_types', 'text', (c) => c.notNull())
    .addColumn('pass_environment', 'integer', (c) => c.notNull())
    .addColumn('receipt_enabled', 'integer', (c) => c.notNull())
    .addColumn('receipt_retention_hours', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('latest_test', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhooks_workspace_created').on('webhooks').columns(['workspace_id', 'created_at']).execute();
  await db.schema
    .createTable('webhook_parameters')
    .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('parameter_id', 'text', (c) => c.references('parameters.id'))
    .addColumn('required', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_parameters_pk', ['webhook_id', 'name'])
    .execute();
  await db.schema.createIndex('webhook_parameters_parameter').on('webhook_parameters').column('parameter_id').execute();
  await db.schema
    .createTable('receipt_statuses')
    .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('receipt_statuses_pk', ['webhook_id', 'code'])
    .execute();
  await db.schema
    .createTable('webhook_usages')
    .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id'))
    .addColumn('owner_kind', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('owner_name', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_usages_pk', ['webhook_id', 'owner_kind', 'owner_id'])
    .execute();
}
