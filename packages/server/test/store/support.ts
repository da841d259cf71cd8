import { bootstrap } from '../../src/access/bootstrap.js';
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
