import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, inject } from 'vitest';
import { expectStatus } from '../support/test-app.js';
import { bootstrap, DEFAULT_WORKSPACE_ID } from '../../src/access/bootstrap.js';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { AppContext } from '../../src/context.js';
import { Metrics } from '../../src/metrics/metrics.js';
import { createOutboundAgent } from '../../src/outbound/agent.js';
import { createSecretBox } from '../../src/secrets/secret-box.js';
import { systemClock } from '../../src/shared/clock.js';
import { openStore, type Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { listenLocal } from '../support/net.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const WORKER_CHILD = path.join(HERE, 'worker-child.ts');
export const BIN = path.join(HERE, '../../bin/hookreach.js');
export const ADMIN_TOKEN = 'hrk_test_admin_token_0123456789';
export const KEY = 'k3y-S3cret-value';

/**
 * These tests need PostgreSQL (several processes on one database). Without it the block is skipped,
 * and the global setup prints its banner (or fails the run under HOOKREACH_REQUIRE_POSTGRES=1).
 */
export function describePostgres(name: string, body: () => void): void {
  describe.skipIf(!inject('postgresUrl'))(`${name} [postgres]`, body);
}

/** A database of its own that child processes can open, with the API in this process (wall clock: the workers use it too). */
export interface ScaleDatabase {
  url: string;
  store: Store;
  masterKey: Buffer;
  request(method: InjectOptions['method'], url: string, body?: unknown): Promise<LightMyRequestResponse>;
  dispose(): Promise<void>;
}

/** Creates, migrates and bootstraps a fresh PostgreSQL database; `dispose` drops it. */
export async function scaleDatabase(): Promise<ScaleDatabase> {
  const base = inject('postgresUrl');
  if (!base) throw new Error('PostgreSQL is not available');
  const name = `hookreach_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const store = openStore({ databaseUrl: url.toString(), poolSize: 4 });
  await migrateToLatest(store);
  await bootstrap(store, systemClock, ADMIN_TOKEN);
  const masterKey = randomBytes(32);
  const config = loadConfig({ HOOKREACH_DATA_DIR: '/nonexistent', LOG_LEVEL: 'silent', HOOKREACH_ALLOW_NETWORKS: '127.0.0.1/32' });
  const outbound = createOutboundAgent({ allowNetworks: config.allowNetworks });
  const ctx: AppContext = { config, store, clock: systemClock, secrets: createSecretBox(masterKey), outbound, metrics: new Metrics(store, systemClock) };
  const app: FastifyInstance = await buildApp(ctx);
  await app.ready();
  return {
    url: url.toString(),
    store,
    masterKey,
    request: (method, path, body) =>
      app.inject({ method, url: path, headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, ...(body === undefined ? {} : { payload: body as object }) }),
    async dispose() {
      await app.close();
      await outbound.close();
      await store.close();
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}


/** An audience of `count` users (c000000, …, each with an OPEN_ID and a name), written in one statement. */
export async function seedAudience(store: Store, count: number): Promise<string> {
  const id = `aud_scale_${randomBytes(4).toString('hex')}`;
  const now = Date.now();
  await store.db
    .insertInto('audiences')
    .values({ id, workspace_id: DEFAULT_WORKSPACE_ID, name: id, created_by: 'mem_admin', user_count: count, created_at: now, updated_at: now })
    .execute();
  await sql`insert into audience_users (audience_id, customer_id, ids, attributes, updated_at)
    select ${id}, 'c' || lpad(i::text, 6, '0'), '{"OPEN_ID":"open-' || i || '"}', '{"name":"User ' || i || '"}', ${now}::bigint
    from generate_series(0, ${count - 1}::int) as i`.execute(store.db);
  return id;
}

/** A webhook (through the API) at `url` and a task "now" to every user of `audienceId`; returns the task's id. */
export async function createWebhookAndTask(db: ScaleDatabase, url: string, audienceId: string, delivery: Record<string, number>): Promise<{ webhookId: string; taskId: string }> {
  const webhook = expectStatus(
    await db.request('POST', '/api/v1/webhooks', {
      name: 'Counting CRM',
      authMethod: 'key',
      key: KEY,
      url,
      idTypes: ['OPEN_ID'],
      parameters: [{ name: 'content', displayName: 'Content', type: 'text' }],
      // A 1 s timeout keeps the lease at the workers' 2 s (a lease is never shorter than the timeout plus 500 ms).
      delivery: { timeoutMs: 1000, ...delivery },
    }),
    201,
  );
  const task = expectStatus(
    await db.request('POST', '/api/v1/tasks', {
      name: 'Scale drop',
      audienceId,
      webhookId: webhook.id,
      idType: 'OPEN_ID',
      batchSize: 100,
      params: { content: 'Hello ${name}' },
      schedule: { type: 'now' },
    }),
    201,
  );
  return { webhookId: webhook.id, taskId: task.id };
}

/** One request the receiver got. */
export interface Received {
  batchId: string;
  actionIds: string[];
  customerIds: string[];
  sha256: string;
}

/** A fast receiver on 127.0.0.1 that records every batch and answers {"code":"OK"} (after `delayMs(index)`, or never when it is null). */
export interface CountingReceiver {
  url: string;
  received: Received[];
  /** Requests that arrived and are not answered yet. */
  open: number;
  delayMs: (index: number) => number | null;
  close(): Promise<void>;
}

export async function countingReceiver(): Promise<CountingReceiver> {
  const state: Omit<CountingReceiver, 'url' | 'close'> = { received: [], open: 0, delayMs: () => 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const users = JSON.parse(body.toString('utf8')) as { user_profile: { customer_id: string }; callback_params: { batchId: string; actionId: string } }[];
      const index = state.received.length;
      state.received.push({
        batchId: users[0]!.callback_params.batchId,
        actionIds: users.map((u) => u.callback_params.actionId),
        customerIds: users.map((u) => u.user_profile.customer_id),
        sha256: createHash('sha256').update(body).digest('hex'),
      });
      const delay = state.delayMs(index);
      if (delay === null) return;
      state.open++;
      const answer = () => {
        state.open--;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":"OK"}');
      };
      if (delay > 0) setTimeout(answer, delay);
      else answer();
    });
  });
  server.keepAliveTimeout = 30_000;
  const local = await listenLocal(server);
  return Object.assign(state, { url: local.url('/hook'), close: () => local.close() });
}

/** A child process and how it ended. */
export interface Child {
  name: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Whether it printed `started` (worker-child.ts does, once its SIGTERM handler is installed). */
  started(): boolean;
  output(): string;
}

/** Runs `node --import tsx <script> ...args` with extra environment; stdout and stderr are kept for failure messages. */
export function spawnChild(name: string, args: string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let started = false;
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    started ||= output.includes('started');
    if (output.length > 20_000) output = output.slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { name, child, exited, started: () => started, output: () => output };
}

/**
 * A worker-child.ts process on `dbUrl`. Leases are short so a dead worker's work is taken over in
 * seconds, yet long enough that a live worker on a busy two-core CI machine (three workers, PostgreSQL,
 * the receiver and restarts compiling TypeScript) never loses one: a task's page can take a second or two there.
 */
export function spawnWorker(workerId: string, dbUrl: string, masterKey: Buffer, leaseMs = 3000, taskLeaseMs = 4000): Child {
  return spawnChild(workerId, [WORKER_CHILD], {
    CHILD_DB: dbUrl, CHILD_MASTER_KEY: masterKey.toString('hex'), CHILD_WORKER_ID: workerId, CHILD_LEASE_MS: String(leaseMs), CHILD_TASK_LEASE_MS: String(taskLeaseMs),
  });
}

/** SIGTERM each worker child and expect a clean exit (code 0). */
export async function stopAll(children: Child[]): Promise<void> {
  const alive = (c: Child) => c.child.exitCode === null && c.child.signalCode === null;
  // A worker restarted a moment ago may still be loading; before its handler is installed, SIGTERM would just kill it.
  for (const c of children) await waitFor(`${c.name} to start`, () => !alive(c) || c.started(), 30_000, 20);
  for (const c of children) if (alive(c)) c.child.kill('SIGTERM');
  for (const c of children) {
    const { code, signal } = await c.exited;
    if (signal !== 'SIGKILL') expect({ worker: c.name, code }, c.output()).toEqual({ worker: c.name, code: 0 });
  }
}

/** Polls `condition` (it reads other processes' work) until true; fails with `what` (and `explain()`) after `timeoutMs`. */
export async function waitFor(what: string, condition: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 100, explain?: () => Promise<string>): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${explain ? `\n${await explain()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** What the task, its batches and the workers were doing, for a failure message. */
export async function situation(store: Store, taskId: string, workers: readonly Child[]): Promise<string> {
  const task = await store.db.selectFrom('tasks').select(['status', 'users_read', 'all_enqueued', 'lease_owner', 'lease_expires_at']).where('id', '=', taskId).executeTakeFirst();
  const batches = await store.db.selectFrom('delivery_batches').select(['status', 'lease_owner']).select((eb) => eb.fn.countAll<number>().as('n')).where('task_id', '=', taskId).groupBy(['status', 'lease_owner']).execute();
  const logs = workers.map((w) => `--- ${w.name} (exit ${w.child.exitCode ?? w.child.signalCode ?? 'running'}):\n${w.output().slice(-3000)}`);
  return [`now ${Date.now()} task ${JSON.stringify(task)}`, `batches ${JSON.stringify(batches)}`, ...logs].join('\n');
}

/** The task's status (read straight from the store, cheap enough to poll). */
export async function taskStatus(store: Store, taskId: string): Promise<string> {
  const row = await store.db.selectFrom('tasks').select('status').where('id', '=', taskId).executeTakeFirstOrThrow();
  return row.status;
}

/**
 * Every user of the task was delivered, each under the actionId and batch the store holds for them,
 * and every repeat of a batch carried the same ids and the same body bytes. Returns the repeated batches.
 */
export async function expectEveryUserDelivered(store: Store, taskId: string, users: number, received: readonly Received[]): Promise<Set<string>> {
  const messages = await store.db
    .selectFrom('delivery_messages as m')
    .innerJoin('delivery_batches as b', 'b.id', 'm.batch_id')
    .select(['m.action_id', 'm.batch_id', 'm.customer_id'])
    .where('b.task_id', '=', taskId)
    .orderBy('m.batch_id')
    .orderBy('m.action_id')
    .execute();
  // Each audience user was enqueued exactly once (a resumed runner never enqueues a user twice).
  expect(messages.length).toBe(users);
  expect(new Set(messages.map((m) => m.customer_id)).size).toBe(users);
  const stored = new Map<string, string[]>();
  for (const m of messages) stored.set(m.batch_id, [...(stored.get(m.batch_id) ?? []), m.action_id]);

  const seen = new Map<string, Received>();
  const repeats = new Set<string>();
  const delivered = new Set<string>();
  let mismatches = 0;
  for (const r of received) {
    const first = seen.get(r.batchId);
    if (first) {
      repeats.add(r.batchId);
      if (first.sha256 !== r.sha256 || first.actionIds.join() !== r.actionIds.join()) mismatches++;
    } else seen.set(r.batchId, r);
    if ([...r.actionIds].sort().join() !== stored.get(r.batchId)?.join()) mismatches++;
    for (const id of r.actionIds) delivered.add(id);
  }
  expect(mismatches).toBe(0);
  expect(seen.size).toBe(stored.size);
  expect(delivered.size).toBe(users);
  return repeats;
}

/** GET /api/v1/tasks/{id}: the task finished with every user and batch succeeded, nothing skipped, pending or failed. */
export async function expectExactCounts(db: ScaleDatabase, taskId: string, users: number, batches: number): Promise<void> {
  const { task, stats } = expectStatus(await db.request('GET', `/api/v1/tasks/${taskId}`), 200);
  expect(task.status).toBe('finished');
  expect({
    audienceSize: stats.audienceSize, read: stats.read, enqueued: stats.enqueued, sent: stats.sent, succeeded: stats.succeeded, failed: stats.failed,
    skipped: stats.skipped, users: stats.users, batches: stats.batches,
  }).toEqual({
    audienceSize: users, read: users, enqueued: users, sent: users, succeeded: users, failed: 0,
    skipped: { noId: 0, missingVariable: 0 },
    users: { pending: 0, succeeded: users, failed: 0, cancelled: 0 },
    batches: { pending: 0, succeeded: batches, failed: 0, cancelled: 0, total: batches },
  });
}
