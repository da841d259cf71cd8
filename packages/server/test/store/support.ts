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

/** Inserts journey `jrn_1`, published at version 1, in the default workspace, as journey migrations' rows reference it. */
export async function insertJourneyRow(store: Store, now: number): Promise<void> {
  await sql`insert into journeys (id, workspace_id, name, status, latest_version, published_version, audience_done, created_by, version, created_at, updated_at)
    values ('jrn_1', ${DEFAULT_WORKSPACE_ID}, 'J', 'published', 1, 1, 0, 'mem_admin', 1, ${now}, ${now})`.execute(store.db);
}

/** Inserts succeeded batches of webhook `wh_1` (a task's, or a journey's node "send"), made at `now` and finished 5 ms later. */
export async function insertBatchRows(store: Store, now: number, batches: readonly { id: string; users: number; journey?: boolean }[]): Promise<void> {
  for (const b of batches) {
    const [kind, task, journey, node] = b.journey ? ['journey', null, 'jrn_1', 'send'] : ['task', 'task_1', null, null];
    await sql`insert into delivery_batches (id, workspace_id, webhook_id, run_kind, task_id, journey_id, node_id, user_count, status, attempts, max_attempts, next_attempt_at, created_at, updated_at, finished_at)
      values (${b.id}, ${DEFAULT_WORKSPACE_ID}, 'wh_1', ${kind}, ${task}, ${journey}, ${node}, ${b.users}, 'succeeded', 1, 9, ${now}, ${now}, ${now}, ${now + 5})`.execute(store.db);
  }
}
