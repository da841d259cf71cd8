/**
 * `npm run bench`: measures Hookreach against the raw limit of this machine in the same run and
 * prints JSON. (1) a raw undici sender posting prebuilt 100-user batches to the reference receiver;
 * (2) the full delivery engine (durable outbox on SQLite, claim, sign, send, record) to the same
 * receiver; (3) receipts through the receipts API vs (4) a bare Fastify route parsing the same bodies;
 * test-send latency minus the bare round trip; peak RSS. Benchmarks report, they do not assert.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeSignature, newNonce, serializeBatch, unixSeconds } from '@hookreach/protocol';
import pg from 'pg';
import { Pool } from 'undici';
import { bootstrap, ADMIN_MEMBER_ID, DEFAULT_WORKSPACE_ID } from '../src/access/bootstrap.js';
import { loadConfig } from '../src/config.js';
import type { AppContext } from '../src/context.js';
import { Dispatcher } from '../src/delivery/dispatcher.js';
import { enqueueBatches } from '../src/delivery/enqueue.js';
import { createOutboundAgent } from '../src/outbound/agent.js';
import { createSecretBox, loadMasterKey } from '../src/secrets/secret-box.js';
import { openConfiguredStore } from '../src/server.js';
import { systemClock } from '../src/shared/clock.js';
import { Metrics } from '../src/metrics/metrics.js';
import { BATCH_SIZE, CONCURRENCY, KEY, percentile, rawSender, round, startChild, timed, user } from './support.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { createWebhook } from '../src/webhooks/create-webhook.js';

const ADMIN_TOKEN = `hrk_bench_${randomBytes(12).toString('hex')}`;
const BATCHES = Number(process.env.BENCH_BATCHES ?? 2000);
const RECEIPTS_PER_REPORT = 1000;
/** Turns of the receipts measure: the API and the bare route take the reports a part at a time, alternately. */
const RECEIPT_TURNS = 4;
const TEST_SENDS = Number(process.env.BENCH_TEST_SENDS ?? 200);
async function engine(ctx: AppContext, port: number) {
  const webhook = await createWebhook(ctx, { memberId: ADMIN_MEMBER_ID, workspaceId: DEFAULT_WORKSPACE_ID, name: 'Bench', email: '', admin: true }, {
    name: 'Bench receiver', authMethod: 'key', key: KEY, url: `http://127.0.0.1:${port}/hook`, idTypes: ['OPEN_ID'],
    parameters: [{ name: 'define_item1', displayName: 'Coupon', type: 'string', required: true }, { name: 'define_item2', displayName: 'Text', type: 'text', required: false }],
    passEnvironment: true, receipt: { enabled: true, retentionHours: 72, statuses: [{ code: '200', value: 'Success' }, { code: '500', value: 'Failed' }] },
    delivery: { timeoutMs: 10_000, maxConcurrency: CONCURRENCY, maxPerSecond: 0 },
  });
  const enqueueStart = performance.now();
  for (let b = 0; b < BATCHES; b += 500) {
    const count = Math.min(500, BATCHES - b);
    await enqueueBatches(ctx, {
      workspaceId: DEFAULT_WORKSPACE_ID, webhookId: webhook.id, runKind: 'task', taskId: 'task_bench', notBefore: Date.now() + 3_600_000,
      batches: Array.from({ length: count }, (_, j) => Array.from({ length: BATCH_SIZE }, (_, k) => {
        const i = (b + j) * BATCH_SIZE + k;
        return { user_profile: { target_type: 'OPEN_ID', target_id: `o${i}`, customer_id: `c${i}` }, params: { define_item1: 'C-42', define_item2: `Hello user ${i}, a discount event is happening in Beijing` } };
      })),
    });
  }
  const enqueueSeconds = (performance.now() - enqueueStart) / 1000;
  // Everything was enqueued due in an hour: make it due at once, so the dispatcher meets a full outbox.
  await ctx.store.db.updateTable('delivery_batches').set({ next_attempt_at: 0 }).execute();
  const dispatcher = new Dispatcher({ ctx, concurrency: CONCURRENCY });
  const start = performance.now();
  dispatcher.start();
  for (;;) {
    const row = await ctx.store.db.selectFrom('delivery_batches').select((eb) => eb.fn.countAll<number>().as('n')).where('status', 'in', ['pending', 'sending']).executeTakeFirstOrThrow();
    if (Number(row.n) === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (performance.now() - start) / 1000;
  await dispatcher.stop();
  const failed = await ctx.store.db.selectFrom('delivery_batches').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '!=', 'succeeded').executeTakeFirstOrThrow();
  return { webhookId: webhook.id, usersPerSecond: (BATCHES * BATCH_SIZE) / seconds, enqueueUsersPerSecond: (BATCHES * BATCH_SIZE) / enqueueSeconds, notSucceeded: Number(failed.n) };
}

async function receiptBodies(ctx: AppContext, webhookId: string): Promise<string[]> {
  const rows = await ctx.store.db.selectFrom('delivery_messages').select(['action_id', 'batch_id', 'customer_id']).execute();
  const bodies: string[] = [];
  for (let i = 0; i < rows.length; i += RECEIPTS_PER_REPORT) {
    bodies.push(JSON.stringify(rows.slice(i, i + RECEIPTS_PER_REPORT).map((r) => ({
      msg_id: randomBytes(16).toString('hex'), status: '200', cst_id: r.customer_id, send_time: String(Date.now()),
      callback_params: { webhook_id: webhookId, send_time: '0', nodeId: '', instanceId: '', batchId: r.batch_id, actionId: r.action_id, customerId: r.customer_id },
    }))));
  }
  return bodies;
}

/** Seconds to post `bodies` as signed reports, 4 at a time; throws on any answer but Success. */
async function postReceipts(port: number, bodies: string[]): Promise<number> {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 4 });
  const seconds = await timed(bodies.length, 4, async (i) => {
    const timestamp = String(unixSeconds(Date.now()));
    const nonce = newNonce();
    const res = await pool.request({
      path: `/restapi/marketing2/webhook/receiveWebHookCallBack?timestamp=${timestamp}&nonce=${nonce}`,
      method: 'POST', headers: { 'content-type': 'application/json', 'X-QA-Hmac-Signature': makeSignature(KEY, timestamp, nonce) }, body: bodies[i]!,
    });
    const answer = (await res.body.json()) as { code: number; message: string };
    if (answer.code !== 200) throw new Error(`receipts refused: ${JSON.stringify(answer).slice(0, 300)}`);
  });
  await pool.close();
  return seconds;
}

async function testSendLatency(hookreachPort: number, receiverPort: number, webhookId: string) {
  const api = new Pool(`http://127.0.0.1:${hookreachPort}`, { connections: 1 });
  const receiver = new Pool(`http://127.0.0.1:${receiverPort}`, { connections: 1 });
  const body = serializeBatch([user(1)]);
  const bare: number[] = [];
  const full: number[] = [];
  for (let i = 0; i < TEST_SENDS; i++) {
    let t = performance.now();
    const timestamp = String(unixSeconds(Date.now()));
    const nonce = newNonce();
    const direct = await receiver.request({ path: `/hook?timestamp=${timestamp}&nonce=${nonce}`, method: 'POST', headers: { 'content-type': 'application/json', 'X-QA-Hmac-Signature': makeSignature(KEY, timestamp, nonce) }, body });
    await direct.body.text();
    bare.push(performance.now() - t);
    t = performance.now();
    const res = await api.request({
      path: `/api/v1/webhooks/${webhookId}/test-sends`, method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ idType: 'OPEN_ID', targetId: `o${i}`, params: { define_item1: 'C-42', define_item2: 'Hello' } }),
    });
    const answer = (await res.body.json()) as { success: boolean };
    if (!answer.success) throw new Error(`test send failed: ${JSON.stringify(answer)}`);
    full.push(performance.now() - t);
  }
  await api.close();
  await receiver.close();
  return {
    bareRoundTripMs: { p50: round(percentile(bare, 50), 2), p99: round(percentile(bare, 99), 2) },
    testSendMs: { p50: round(percentile(full, 50), 2), p99: round(percentile(full, 99), 2) },
    overheadMs: { p50: round(percentile(full, 50) - percentile(bare, 50), 2), p99: round(percentile(full, 99) - percentile(bare, 99), 2) },
  };
}

/** A fresh database on the server of `baseUrl`, dropped after the run. */
async function createBenchDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `hookreach_bench_${randomBytes(4).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: baseUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookreach-bench-'));
// BENCH_DATABASE_URL=postgres://... runs the engine and the receipts API on a fresh PostgreSQL database created there.
const database = process.env.BENCH_DATABASE_URL ? await createBenchDatabase(process.env.BENCH_DATABASE_URL) : undefined;
try {
  const receiver = await startChild('receiver', { BENCH_KEY: KEY });
  progress('raw sender');
  const rawUsersPerSecond = await rawSender(receiver.port, BATCHES);

  const config = loadConfig({ HOOKREACH_DATA_DIR: dataDir, HOOKREACH_ALLOW_NETWORKS: '127.0.0.1/32', LOG_LEVEL: 'silent', HOOKREACH_DELIVERY_CONCURRENCY: String(CONCURRENCY), DATABASE_URL: database?.url ?? '' });
  const store = openConfiguredStore(config);
  await migrateToLatest(store);
  await bootstrap(store, systemClock, ADMIN_TOKEN);
  const ctx: AppContext = { config, store, clock: systemClock, secrets: createSecretBox(loadMasterKey(undefined, dataDir)), outbound: createOutboundAgent({ allowNetworks: config.allowNetworks }), metrics: new Metrics(store, systemClock) };
  progress('engine');
  const delivered = await engine(ctx, receiver.port);
  const bodies = await receiptBodies(ctx, delivered.webhookId);
  await ctx.outbound.close();
  await store.close();

  const env = { HOOKREACH_DATA_DIR: dataDir, HOOKREACH_ALLOW_NETWORKS: '127.0.0.1/32', DATABASE_URL: database?.url ?? '' };
  const hookreach = await startChild('hookreach', env);
  progress('receipts');
  const bare = await startChild('bare');
  hookreach.restartProfile();
  // In turns, a part of the reports to the API then the same part to the bare route: this machine's speed
  // drifts within a minute, and measuring one after the other put the drift into the ratio.
  const api = { seconds: 0, cpuMicros: 0 };
  const bareRoute = { seconds: 0, cpuMicros: 0 };
  const partSize = Math.ceil(bodies.length / RECEIPT_TURNS);
  for (let start = 0; start < bodies.length; start += partSize) {
    const part = bodies.slice(start, start + partSize);
    for (const [child, sum] of [[hookreach, api], [bare, bareRoute]] as const) {
      const cpuBefore = await child.cpuMicros();
      sum.seconds += await postReceipts(child.port, part);
      sum.cpuMicros += (await child.cpuMicros()) - cpuBefore;
    }
  }
  const receiptCount = bodies.length * RECEIPTS_PER_REPORT;
  const receiptsPerSecond = receiptCount / api.seconds;
  const bareReceiptsPerSecond = receiptCount / bareRoute.seconds;
  const apiCpuMicros = api.cpuMicros;
  const bareCpuMicros = bareRoute.cpuMicros;
  progress('test sends');
  const latency = await testSendLatency(hookreach.port, receiver.port, delivered.webhookId);

  const result = {
    machine: { cpus: os.cpus().length, node: process.version, store: database ? 'postgres' : 'sqlite' },
    delivery: {
      users: BATCHES * BATCH_SIZE, batchSize: BATCH_SIZE, concurrency: CONCURRENCY,
      rawUsersPerSecond: round(rawUsersPerSecond), engineUsersPerSecond: round(delivered.usersPerSecond),
      ratio: round(delivered.usersPerSecond / rawUsersPerSecond, 2), enqueueUsersPerSecond: round(delivered.enqueueUsersPerSecond), notSucceeded: delivered.notSucceeded,
    },
    receipts: {
      receipts: bodies.length * RECEIPTS_PER_REPORT, perReport: RECEIPTS_PER_REPORT, turns: RECEIPT_TURNS,
      apiReceiptsPerSecond: round(receiptsPerSecond), bareReceiptsPerSecond: round(bareReceiptsPerSecond), ratio: round(receiptsPerSecond / bareReceiptsPerSecond, 2),
      // Server CPU per receipt (all threads): what the ratio would be on an otherwise idle core.
      cpuMicrosPerReceipt: { api: round(apiCpuMicros / receiptCount, 2), bare: round(bareCpuMicros / receiptCount, 2), ratio: round(bareCpuMicros / apiCpuMicros, 2) },
    },
    testSend: latency,
    peakRssMb: {
      benchAndEngine: round(process.resourceUsage().maxRSS / 1024),
      hookreachServer: round((await hookreach.stop()) / 1024),
      receiver: round((await receiver.stop()) / 1024),
      bareServer: round((await bare.stop()) / 1024),
    },
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
  await database?.drop();
}
process.exit(0);
