import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/database.js';
import { FALLBACK_AUTOCHECKPOINT_PAGES } from '../../src/store/wal-checkpointer.js';

const PAGE = 4096;

async function until(condition: () => boolean, what: string): Promise<void> {
  // Polls for an outcome, never asserts how long it took; the bound only ends a broken run.
  for (let i = 0; i < 600; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never happened: ${what}`);
}

describe('SQLite checkpoint thread', () => {
  let dir: string;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('copies committed pages into the database file without a commit crossing the fallback threshold', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookreach-wal-'));
    const file = path.join(dir, 'db.sqlite');
    store = openStore({ sqliteFile: file, onCheckpointError: (message) => { throw new Error(message); } });
    await sql`create table filler (id integer primary key, payload text not null)`.execute(store.db);
    const startSize = fs.statSync(file).size;
    // About 2,000 pages: a tenth of the threshold at which a commit would checkpoint by itself.
    const pages = 2_000;
    expect(pages).toBeLessThan(FALLBACK_AUTOCHECKPOINT_PAGES / 5);
    await store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < pages; i++) await sql`insert into filler (payload) values (${'x'.repeat(PAGE - 100)})`.execute(trx);
    });
    await until(() => fs.statSync(file).size >= startSize + pages * PAGE, 'the database file holds the new pages');
    const { rows } = await sql<{ n: number }>`select count(*) as n from filler`.execute(store.db);
    expect(Number(rows[0]!.n)).toBe(pages);
  });

  it('stops with the store, and the data is there when the file is opened again', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookreach-wal-'));
    const file = path.join(dir, 'db.sqlite');
    const first = openStore({ sqliteFile: file });
    await sql`create table t (v text)`.execute(first.db);
    await sql`insert into t (v) values ('kept')`.execute(first.db);
    await first.close();
    // The last connection to close checkpoints and removes the WAL.
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    store = openStore({ sqliteFile: file });
    const { rows } = await sql<{ v: string }>`select v from t`.execute(store.db);
    expect(rows).toEqual([{ v: 'kept' }]);
  });
});
