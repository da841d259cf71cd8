/**
 * `npm run bench` (third part): delivery throughput of worker processes (`hookreach start --role
 * worker`) on PostgreSQL with 1 and 2 workers, against the same receiver in the same run, as ratios to
 * the embedded SQLite figure (1 worker) and to the raw sender. The outbox is filled first and the
 * workers started (neither is timed); the clock runs from making every batch due to all succeeded.
 * BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) is where a fresh database is
 * created for each PostgreSQL run; BENCH_WORKER_BATCHES (default 2000) sets the size.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { bootstrap, ADMIN_MEMBER_ID, DEFAULT_WORKSPACE_ID } from '../src/access/bootstrap.js';
import { loadConfig } from '../src/config.js';
import type { AppContext } from '../src/context.js';
import { enqueueBatches } from '../src/delivery/enqueue.js';
import { Metrics } from '../src/metrics/metrics.js';
import { createOutboundAgent } from '../src/outbound/agent.js';
import { createSecretBox } from '../src/secrets/secret-box.js';
import { openConfiguredStore } from '../src/server.js';
import { systemClock } from '../src/shared/clock.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { createWebhook } from '../src/webhooks/create-webhook.js';
import { BATCH_SIZE, CONCURRENCY, KEY, rawSender, round, startChild } from './support.js';

const BATCHES = Number(process.env.BENCH_WORKER_BATCHES ?? 2000);
const BASE_URL = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);
const SECRET_KEY = randomBytes(32).toString('hex');

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: BASE_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Fills a fresh store with BATCHES due batches to the receiver; returns the environment workers need. */
async function fill(env: NodeJS.ProcessEnv, receiverPort: number): Promise<void> {
  const config = loadConfig({ ...env, LOG_LEVEL: 'silent' });
  const store = openConfiguredStore(config);
  await migrateToLatest(store);
  await bootstrap(store, systemClock, undefined);
  const ctx: AppContext = { config, store, clock: systemClock, secrets: createSecretBox(Buffer.from(SECRET_KEY, 'hex')), outbound: createOutboundAgent({ allowNetworks: config.allowNetworks }), metrics: new Metrics(store, systemClock) };
  const webhook = await createWebhook(ctx, { memberId: ADMIN_MEMBER_ID, workspaceId: DEFAULT_WORKSPACE_ID, name: 'Bench', email: '', admin: true }, {
    name: 'Bench receiver', authMethod: 'key', key: KEY, url: `http://127.0.0.1:${receiverPort}/hook`, idTypes: ['OPEN_ID'],
    parameters: [{ name: 'define_item1', displayName: 'Coupon', type: 'string', required: true }],
    passEnvironment: true, receipt: { enabled: false, retentionHours: 72, statuses: [] },
    delivery: { timeoutMs: 10_000, maxConcurrency: CONCURRENCY * 2, maxPerSecond: 0 },
  });
  for (let b = 0; b < BATCHES; b += 500) {
    await enqueueBatches(ctx, {
      workspaceId: DEFAULT_WORKSPACE_ID, webhookId: webhook.id, runKind: 'task', taskId: 'task_bench', notBefore: Date.now() + 3_600_000,
      batches: Array.from({ length: Math.min(500, BATCHES - b) }, (_, j) => Array.from({ length: BATCH_SIZE }, (_, k) => {
        const i = (b + j) * BATCH_SIZE + k;
        return { user_profile: { target_type: 'OPEN_ID', target_id: `o${i}`, customer_id: `c${i}` }, params: { define_item1: `Hello user ${i}, a discount event is happening in Beijing` } };
      })),
    });
  }
  await ctx.outbound.close();
  await store.close();
}

/** Users/s of `workers` worker processes emptying the filled store; and their peak RSS. */
async function drain(env: NodeJS.ProcessEnv, workers: number): Promise<{ usersPerSecond: number; peakRssMb: number }> {
  const config = loadConfig({ ...env, LOG_LEVEL: 'silent' });
  const store = openConfiguredStore(config);
  const children = await Promise.all(Array.from({ length: workers }, () => startChild('hookreach-worker', env)));
  // The workers are up and idle: everything becomes due at once, and the clock starts.
  const started = performance.now();
  await store.db.updateTable('delivery_batches').set({ next_attempt_at: 0 }).execute();
  for (;;) {
    const row = await store.db.selectFrom('delivery_batches').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '!=', 'succeeded').executeTakeFirstOrThrow();
    if (Number(row.n) === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  const rss = await Promise.all(children.map((c) => c.stop()));
  return { usersPerSecond: (BATCHES * BATCH_SIZE) / seconds, peakRssMb: round(Math.max(...rss) / 1024) };
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookreach-workers-'));
const databases: string[] = [];
try {
  const receiver = await startChild('receiver', { BENCH_KEY: KEY });
  progress('raw sender');
  const raw = await rawSender(receiver.port, BATCHES);
  const common = { HOOKREACH_ALLOW_NETWORKS: '127.0.0.1/32', HOOKREACH_SECRET_KEY: SECRET_KEY, HOOKREACH_DELIVERY_CONCURRENCY: String(CONCURRENCY) };

  progress('SQLite, 1 worker');
  const sqliteEnv = { ...common, HOOKREACH_DATA_DIR: dataDir, DATABASE_URL: '' };
  await fill(sqliteEnv, receiver.port);
  const sqlite = await drain(sqliteEnv, 1);

  const postgres: Record<string, { usersPerSecond: number; peakRssMb: number; ratioToSqlite: number; ratioToRaw: number }> = {};
  let skipped: string | undefined;
  try {
    await admin('select 1');
  } catch (error) {
    skipped = `PostgreSQL at ${BASE_URL} is unreachable: ${(error as Error).message}`;
  }
  for (const workers of skipped ? [] : [1, 2]) {
    progress(`PostgreSQL, ${workers} worker${workers > 1 ? 's' : ''}`);
    const name = `hookreach_bench_${randomBytes(4).toString('hex')}`;
    await admin(`CREATE DATABASE ${name}`);
    databases.push(name);
    const url = new URL(BASE_URL);
    url.pathname = `/${name}`;
    const env = { ...common, HOOKREACH_DATA_DIR: dataDir, DATABASE_URL: url.toString() };
    await fill(env, receiver.port);
    const result = await drain(env, workers);
    postgres[`${workers}worker${workers > 1 ? 's' : ''}`] = {
      usersPerSecond: round(result.usersPerSecond), peakRssMb: result.peakRssMb,
      ratioToSqlite: round(result.usersPerSecond / sqlite.usersPerSecond, 2), ratioToRaw: round(result.usersPerSecond / raw, 2),
    };
  }
  await receiver.stop();
  console.log(JSON.stringify({
    machine: { cpus: os.cpus().length, node: process.version },
    users: BATCHES * BATCH_SIZE, batchSize: BATCH_SIZE, concurrencyPerWorker: CONCURRENCY,
    rawUsersPerSecond: round(raw),
    sqlite1Worker: { usersPerSecond: round(sqlite.usersPerSecond), peakRssMb: sqlite.peakRssMb, ratioToRaw: round(sqlite.usersPerSecond / raw, 2) },
    postgres: skipped ? { skipped } : postgres,
  }, null, 2));
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
  for (const name of databases) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
}
process.exit(0);
