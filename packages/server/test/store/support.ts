import { sql } from 'kysely';
import { bootstrap, DEFAULT_WORKSPACE_ID } from '../../src/access/bootstrap.js';
import { manualClock } from '../../src/shared/clock.js';
import type { Store } from '../../src/store/database.js';
import type { Dialect } from '../../src/store/dialect.js';
import { migrateUpTo } from '../../src/store/migrate.js';
import { createTestStore } from '../support/dialects.js';

/** Runs `body` on a fresh store migrated up to `migration` (inclusive), with the default workspace bootstrapped at `now`. */
export async function atMigration(dialect: Dialect, migration: string, now: number, body: (store: Store) => Promise<void>): Promise<void> {
  const { store, dispose } = await createTestStore(dialect, { migrate: false });
  try {
    await migrateUpTo(store, migration);
    await bootstrap(store, manualClock(now), undefined);
    await body(store);
  } finally {
    await dispose();
  }
}

/** Inserts webhook `wh_1` (no key, receipts kept 72 h) in the default workspace, as any migration's rows may reference it. */
export async function insertWebhookRow(store: Store, now: number): Promise<void> {
  await sql`insert into webhooks (id, workspace_id, name, url, auth_method, key_sealed, id_types, pass_environment, receipt_enabled, receipt_retention_hours, enabled, version, created_at, updated_at)
    values ('wh_1', ${DEFAULT_WORKSPACE_ID}, 'W', 'http://127.0.0.1:9/hook', 'none', null, '["OPEN_ID"]', 0, 1, 72, 1, 1, ${now}, ${now})`.execute(store.db);
}
