import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import type { Dialect } from '../../src/store/dialect.js';
import { openStore, type Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';

export const DIALECTS: readonly Dialect[] = ['sqlite', 'postgres'];

/**
 * A migrated (unless `migrate` is false), empty store of `dialect`; PostgreSQL gets a database of
 * its own, dropped by `dispose`. SQLite is in memory unless `onDisk` (a file in a temporary folder,
 * removed by `dispose`), as the server runs it.
 */
export async function createTestStore(dialect: Dialect, { migrate = true, onDisk = false } = {}): Promise<{ store: Store; dispose(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = onDisk ? fs.mkdtempSync(path.join(os.tmpdir(), 'hookreach-test-')) : undefined;
    const store = openStore({ sqliteFile: dir ? path.join(dir, 'hookreach.sqlite') : ':memory:' });
    if (migrate) await migrateToLatest(store);
    return {
      store,
      async dispose() {
        await store.close();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const baseUrl = inject('postgresUrl');
  if (!baseUrl) throw new Error('PostgreSQL is not available');
  const name = `hookreach_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const store = openStore({ databaseUrl: url.toString(), poolSize: 5 });
  if (migrate) await migrateToLatest(store);
  return {
    store,
    async dispose() {
      await store.close();
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/**
 * Runs `body` once per dialect, as Kysely's suite does. The PostgreSQL run is skipped (loudly,
 * by the global setup) only when PostgreSQL is unreachable and not required.
 */
export function describeEachDialect(name: string, body: (dialect: Dialect) => void): void {
  for (const dialect of DIALECTS) {
    const skip = dialect === 'postgres' && !inject('postgresUrl');
    describe.skipIf(skip)(`${name} [${dialect}]`, () => body(dialect));
  }
}

/** Hooks that give each test in the block a fresh migrated store of `dialect`. */
export function useStore(dialect: Dialect): () => Store {
  let current: { store: Store; dispose(): Promise<void> } | undefined;
  beforeAll(async () => {
    current = await createTestStore(dialect);
  });
  afterAll(async () => {
    await current?.dispose();
  });
  return () => {
    if (!current) throw new Error('store not ready');
    return current.store;
  };
}
