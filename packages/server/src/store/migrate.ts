import { Migrator, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import type { Dialect } from './dialect.js';
import * as configuration from './migrations/0001-configuration.js';
import * as delivery from './migrations/0002-delivery.js';
import * as access from './migrations/0003-access.js';
import * as audit from './migrations/0004-audit.js';
import * as receiptKeys from './migrations/0005-receipt-keys.js';
import * as leanDeliveryRows from './migrations/0006-lean-delivery-rows.js';
import * as audiences from './migrations/0007-audiences.js';
import * as tasks from './migrations/0008-tasks.js';
import * as journeys from './migrations/0009-journeys.js';
import * as retentionIndexes from './migrations/0010-retention-indexes.js';
import * as sharedRateLimits from './migrations/0011-shared-rate-limits.js';
import * as journeyJudgmentEvents from './migrations/0012-journey-judgment-events.js';
import * as journeyNodeCounts from './migrations/0013-journey-node-counts.js';
import * as receiptsByBatch from './migrations/0014-receipts-by-batch.js';
import * as journeyInstanceIndexes from './migrations/0015-journey-instance-indexes.js';
import * as journeyPaths from './migrations/0016-journey-paths.js';
import * as messagesByBatch from './migrations/0017-messages-by-batch.js';
import * as messageRosters from './migrations/0018-message-rosters.js';
import * as receiptCounts from './migrations/0019-receipt-counts.js';
import * as journeyCohorts from './migrations/0020-journey-cohorts.js';
import * as cohortMembers from './migrations/0021-cohort-members.js';
import * as batchReceipts from './migrations/0022-batch-receipts.js';
import * as cohortActions from './migrations/0023-cohort-actions.js';
import type { Store } from './database.js';

type DialectMigration = { up(db: Kysely<unknown>, dialect: Dialect): Promise<void> };

/** Every migration, in order. Names never change once released. */
const MIGRATIONS: Record<string, DialectMigration> = {
  '0001-configuration': configuration,
  '0002-delivery': delivery,
  '0003-access': access,
  '0004-audit': audit,
  '0005-receipt-keys': receiptKeys,
  '0006-lean-delivery-rows': leanDeliveryRows,
  '0007-audiences': audiences,
  '0008-tasks': tasks,
  '0009-journeys': journeys,
  '0010-retention-indexes': retentionIndexes,
  '0011-shared-rate-limits': sharedRateLimits,
  '0012-journey-judgment-events': journeyJudgmentEvents,
  '0013-journey-node-counts': journeyNodeCounts,
  '0014-receipts-by-batch': receiptsByBatch,
  '0015-journey-instance-indexes': journeyInstanceIndexes,
  '0016-journey-paths': journeyPaths,
  '0017-messages-by-batch': messagesByBatch,
  '0018-message-rosters': messageRosters,
  '0019-receipt-counts': receiptCounts,
  '0020-journey-cohorts': journeyCohorts,
  '0021-cohort-members': cohortMembers,
  '0022-batch-receipts': batchReceipts,
  '0023-cohort-actions': cohortActions,
};

// Kysely cannot tell the dialect inside a migration, so each one is handed it.
class DialectMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const result: Record<string, Migration> = {};
    for (const [name, migration] of Object.entries(MIGRATIONS)) {
      result[name] = { up: (db) => migration.up(db, this.dialect) };
    }
    return result;
  }
}

function migratorOf(store: Store): Migrator {
  return new Migrator({
    db: store.db as unknown as Kysely<unknown>,
    provider: new DialectMigrationProvider(store.dialect),
    migrationTableName: 'hookreach_migrations',
    migrationLockTableName: 'hookreach_migrations_lock',
  });
}

function appliedNames({ error, results }: MigrationResultSet): string[] {
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Applies every pending migration; returns the names applied. Safe to run from many processes at once. */
export async function migrateToLatest(store: Store): Promise<string[]> {
  return appliedNames(await migratorOf(store).migrateToLatest());
}

/** Applies the pending migrations up to and including `name` (tests of a migration's data moves). */
export async function migrateUpTo(store: Store, name: string): Promise<string[]> {
  return appliedNames(await migratorOf(store).migrateTo(name));
}
