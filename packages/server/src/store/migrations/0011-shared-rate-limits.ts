import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * One token bucket per webhook shared by every worker process (docs/delivery.md, "Limits across
 * workers"). Only PostgreSQL deployments run several workers; SQLite keeps the table for one schema.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('webhook_rate_buckets')
    .addColumn('webhook_id', 'text', (c) => c.primaryKey().references('webhooks.id').onDelete('cascade'))
    .addColumn('tokens', 'double precision', (c) => c.notNull())
    .addColumn('refilled_at', dialect === 'postgres' ? 'bigint' : 'integer', (c) => c.notNull())
    .execute();
}
