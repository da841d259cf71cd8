import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { bootstrap } from '../../src/access/bootstrap.js';
import { loadConfig } from '../../src/config.js';
import type { AppContext } from '../../src/context.js';
import { enqueueBatches } from '../../src/delivery/enqueue.js';
import { createSecretBox } from '../../src/secrets/secret-box.js';
import { systemClock } from '../../src/shared/clock.js';
import { openStore, type Store } from '../../src/store/database.js';
import type { Dialect } from '../../src/store/dialect.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { keyContext } from '../../src/webhooks/model.js';
import { describeEachDialect } from '../support/dialects.js';
import { scriptedReceiver, users, WORKSPACE, type ScriptedReceiver } from './support.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crash-child.ts');
const BATCHES = 30;
const KILL_AT_REQUEST = 10;

/** A database the child processes can open too: a SQLite file, or a PostgreSQL database of its own. */
async function sharedDatabase(dialect: Dialect): Promise<{ url: string; store: Store; dispose(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookreach-crash-'));
    const url = path.join(dir, 'hookreach.sqlite');
    const store = openStore({ sqliteFile: url });
    return { url, store, dispose: async () => { await store.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
  }
  const base = inject('postgresUrl')!;
  const name = `hookreach_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const store = openStore({ databaseUrl: url.toString(), poolSize: 4 });
  return {
    url: url.toString(),
    store,
    async dispose() {
      await store.close();
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

function runChild(env: Record<string, string>): { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
  return { child, exited };
}

/** The batchId and actionIds of a received body. */
function idsOf(body: string): { batchId: string; actionIds: string[] } {
  const users = JSON.parse(body) as { callback_params: { batchId: string; actionId: string } }[];
  return { batchId: users[0]!.callback_params.batchId, actionIds: users.map((u) => u.callback_params.actionId) };
}

describeEachDialect('crash and restart (SIGKILL mid-send)', (dialect) => {
  let db: Awaited<ReturnType<typeof sharedDatabase>>;
  let receiver: ScriptedReceiver;
  const masterKey = randomBytes(32);

  beforeAll(async () => {
    db = await sharedDatabase(dialect);
    await migrateToLatest(db.store);
    await bootstrap(db.store, systemClock, 'hrk_test_admin_token_0123456789');
    receiver = await scriptedReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await db?.dispose();
  });

  it('loses nothing: every user is delivered at least once, repeats carry the same ids and bytes, and all batches succeed', async () => {
    const config = loadConfig({ HOOKREACH_DATA_DIR: '/nonexistent', HOOKREACH_RETRY_SCHEDULE: '1s' });
    const ctx = { config, store: db.store, clock: systemClock, secrets: createSecretBox(masterKey) } as AppContext;
    const now = Date.now();
    await db.store.db
      .insertInto('webhooks')
      .values({
        id: 'wh_crash', workspace_id: WORKSPACE, name: 'Slow CRM', auth_method: 'key', key_sealed: ctx.secrets.seal('crash-key', keyContext('wh_crash')),
        url: receiver.url, id_types: '["OPEN_ID"]', pass_environment: 0, receipt_enabled: 0, receipt_retention_hours: 72, enabled: 1,
        latest_test: null, timeout_ms: 1000, max_concurrency: 4, max_per_second: 0, version: 1, created_at: now, updated_at: now,
      })
      .execute();
    const enqueued = await enqueueBatches(ctx, {
      workspaceId: WORKSPACE,
      webhookId: 'wh_crash',
      runKind: 'task',
      taskId: 'task_crash',
      batches: Array.from({ length: BATCHES }, (_, i) => users(5, `crash${i}`)),
    });
    const env = { CHILD_DB: db.url, CHILD_MASTER_KEY: masterKey.toString('hex'), CHILD_LEASE_MS: '1500' };

    // Run 1: a slow receiver (200 ms per answer); the engine is killed when the 10th request arrives, 4 in flight.
    const first = runChild({ ...env, CHILD_WORKER_ID: 'first' });
    receiver.script = (_request, index) => {
      if (index === KILL_AT_REQUEST - 1) first.child.kill('SIGKILL');
      return { delayMs: 200 };
    };
    const killed = await first.exited;
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const beforeRestart = await db.store.db.selectFrom('delivery_batches').select(['id', 'status', 'lease_owner']).execute();
    const inFlightAtKill = beforeRestart.filter((b) => b.status === 'sending');
    expect(inFlightAtKill.length).toBeGreaterThan(0);
    expect(inFlightAtKill.every((b) => b.lease_owner === 'first')).toBe(true);
    expect(beforeRestart.filter((b) => b.status === 'succeeded').length).toBeLessThan(BATCHES);

    // Run 2: another worker takes the expired leases over and finishes.
    receiver.script = () => ({ delayMs: 20 });
    const second = runChild({ ...env, CHILD_WORKER_ID: 'second', CHILD_EXIT_WHEN_DONE: '1' });
    const done = await second.exited;
    expect(done.code, done.stderr).toBe(0);

    const rows = await db.store.db.selectFrom('delivery_batches').select(['id', 'status']).execute();
    expect(rows.map((r) => r.status)).toEqual(Array(BATCHES).fill('succeeded'));
    // Users' statuses follow their batches; every user enqueued is still there.
    const messages = await db.store.db.selectFrom('delivery_messages').select('action_id').execute();
    expect(messages.map((m) => m.action_id).sort()).toEqual(enqueued.flatMap((b) => b.actionIds).sort());

    const expected = new Map(enqueued.map((b) => [b.batchId, b.actionIds]));
    const bodies = new Map<string, Set<string>>();
    const delivered = new Set<string>();
    for (const request of receiver.requests) {
      const { batchId, actionIds } = idsOf(request.body);
      // A repeat is the same batch with the same actionIds, byte for byte.
      expect(actionIds).toEqual(expected.get(batchId));
      bodies.set(batchId, (bodies.get(batchId) ?? new Set()).add(request.body));
      for (const id of actionIds) delivered.add(id);
    }
    expect(delivered.size).toBe(BATCHES * 5);
    expect([...bodies.values()].every((set) => set.size === 1)).toBe(true);
    // Only batches leased at the kill were sent twice; at least the one whose arrival triggered the kill was.
    const leasedAtKill = new Set(inFlightAtKill.map((b) => b.id));
    const repeats = [...expected.keys()].filter((id) => receiver.requests.filter((r) => r.body.includes(id)).length > 1);
    expect(repeats.length).toBeGreaterThan(0);
    expect(repeats.every((id) => leasedAtKill.has(id))).toBe(true);
    expect(idsOf(receiver.requests[KILL_AT_REQUEST - 1]!.body).batchId).toSatisfy((id: string) => repeats.includes(id));
    const lost = await db.store.db.selectFrom('delivery_attempts').select(['batch_id', 'error']).where('success', '=', 0).execute();
    expect(lost.map((a) => a.batch_id).sort()).toEqual(inFlightAtKill.map((b) => b.id).sort());
    expect(lost.every((a) => a.error?.startsWith('worker first did not record an outcome'))).toBe(true);
  }, 30_000);
});
