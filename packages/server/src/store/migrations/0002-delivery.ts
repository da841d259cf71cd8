import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/** Per-webhook delivery limits, the durable outbox (batches, attempts, per-user messages), test sends and receipts. */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema.alterTable('webhooks').addColumn('timeout_ms', 'integer', (c) => c.notNull().defaultTo(10_000)).execute();
  await db.schema.alterTable('webhooks').addColumn('max_concurrency', 'integer', (c) => c.notNull().defaultTo(8)).execute();
  await db.schema.alterTable('webhooks').addColumn('max_per_second', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  await db.schema
    .createTable('delivery_batches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    // Cascade: a webhook can be deleted only when no task or journey uses it; its delivery history goes with it, as its test sends do.
    .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
    .addColumn('run_kind', 'text', (c) => c.notNull())
    .addColumn('task_id', 'text')
    .addColumn('journey_id', 'text')
    .addColumn('node_id', 'text')
    .addColumn('user_count', 'integer', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', time, (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', time)
    .addColumn('last_error', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addColumn('finished_at', time)
    .execute();
  if (dialect === 'postgres') {
    // Bodies are 10-50 KB of JSON each and written a million users at a time: lz4 compresses them ~3x faster than pglz.
    const lz4 = await sql<{ ok: boolean }>`select 'lz4' = any(enumvals) as ok from pg_settings where name = 'default_toast_compression'`.execute(db);
    if (lz4.rows[0]?.ok) await sql`alter table delivery_batches alter column body set compression lz4`.execute(db);
  }
  await db.schema.createIndex('delivery_batches_due').on('delivery_batches').columns(['status', 'next_attempt_at']).execute();
  // The dispatcher claims per webhook, oldest due first; the API lists a workspace's batches newest first.
  await db.schema.createIndex('delivery_batches_webhook').on('delivery_batches').columns(['webhook_id', 'status', 'next_attempt_at']).execute();
  await db.schema.createIndex('delivery_batches_workspace').on('delivery_batches').columns(['workspace_id', 'created_at']).execute();
  await db.schema.createIndex('delivery_batches_task').on('delivery_batches').columns(['task_id']).execute();
  await db.schema.createIndex('delivery_batches_journey').on('delivery_batches').columns(['journey_id']).execute();

  await db.schema
    .createTable('delivery_attempts')
    .addColumn('batch_id', 'text', (c) => c.notNull().references('delivery_batches.id').onDelete('cascade'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('started_at', time, (c) => c.notNull())
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('success', 'integer', (c) => c.notNull())
    .addColumn('retryable', 'integer', (c) => c.notNull())
    .addColumn('http_status', 'integer')
    .addColumn('code', 'text')
    .addColumn('message', 'text')
    .addColumn('error', 'text')
    .addPrimaryKeyConstraint('delivery_attempts_pk', ['batch_id', 'attempt'])
    .execute();

  await db.schema
    .createTable('delivery_messages')
    .addColumn('action_id', 'text', (c) => c.primaryKey())
    .addColumn('batch_id', 'text', (c) => c.notNull().references('delivery_batches.id').onDelete('cascade'))
    .addColumn('webhook_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('sent_at', time)
    .addColumn('receipt_status', 'text')
    .addColumn('receipt_at', time)
    .execute();
  await db.schema.createIndex('delivery_messages_batch').on('delivery_messages').column('batch_id').execute();

  await db.schema
    .createTable('test_sends')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('id_type', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('success', 'integer', (c) => c.notNull())
    .addColumn('http_status', 'integer')
    .addColumn('code', 'text')
    .addColumn('message', 'text')
    .addColumn('error', 'text')
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('log', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('test_sends_webhook').on('test_sends').columns(['webhook_id', 'created_at']).execute();

  await db.schema
    .createTable('receipts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('webhook_id', 'text', (c) => c.notNull())
    .addColumn('msg_id', 'text', (c) => c.notNull())
    .addColumn('action_id', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('send_time', 'text', (c) => c.notNull())
    .addColumn('received_at', time, (c) => c.notNull())
    .addUniqueConstraint('receipts_msg', ['webhook_id', 'msg_id'])
    .execute();
  await db.schema.createIndex('receipts_action').on('receipts').column('action_id').execute();
  // Task details and journey branches count receipts per batch (and per task through its batches).
  await db.schema.createIndex('receipts_batch').on('receipts').columns(['batch_id', 'status']).execute();

  await db.schema
    .createTable('receipt_nonces')
    .addColumn('nonce', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('receipt_nonces_expiry').on('receipt_nonces').column('expires_at').execute();
}
