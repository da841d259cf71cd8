/**
 * `npm run bench` (second part): whole campaigns through the real server process (`hookreach-all`:
 * API, task and journey runners, delivery engine), against the raw sender of the same run.
 * (1) a Reach Marketing task to a 1,000,000-user audience, batch size 100: users per second from
 * creating the task to every batch acknowledged, as a ratio to the raw sender; the server's peak RSS;
 * the import time of the audience's CSV; the latency of the task's stats and recipient queries, once
 * a receipt per user was reported through the receipts API.
 * (2) 100,000 users through a journey (webhook node, then judgment on receipts) against the same
 * 100,000 sent by a plain task: the time until all are judged over the task's time. Durations come
 * from the server's own timestamps; the times seen by polling are printed beside them.
 * Benchmarks report, they do not assert. BENCH_TASK_USERS and BENCH_JOURNEY_USERS change the sizes;
 * BENCH_TASK_USERS=0 skips (1) and runs only the journey comparison. For digging: BENCH_KEEP_DIR=1
 * keeps the server's data directory (its path goes to stderr); BENCH_PROFILE_JOURNEY=1 with
 * BENCH_CPU_PROFILE_DIR restarts the server's profile at the journey, so it covers the journey only.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import SqliteDatabase from 'better-sqlite3';
import { makeSignature, newNonce, RECEIPT_PATH, unixSeconds } from '@hookreach/protocol';
import { Pool } from 'undici';
import { KEY, percentile, rawSender, round, startChild } from './support.js';

const TASK_USERS = Number(process.env.BENCH_TASK_USERS ?? 1_000_000);
const JOURNEY_USERS = Number(process.env.BENCH_JOURNEY_USERS ?? 100_000);
const ADMIN_TOKEN = `hrk_bench_${randomBytes(12).toString('hex')}`;
const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);

type Api = (method: 'GET' | 'POST', url: string, body?: unknown) => Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function apiOf(pool: Pool): Api {
  return async (method, url, body) => {
    const res = await pool.request({
      path: url, method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${text.slice(0, 500)}`);
    return text === '' ? undefined : JSON.parse(text);
  };
}

/** Streams a generated CSV of `users` users (customer_id, OPEN_ID, name) into a new audience; returns its id and the seconds the import took. */
async function importAudience(api: Api, pool: Pool, name: string, users: number): Promise<{ id: string; seconds: number }> {
  const audience = await api('POST', '/api/v1/audiences', { name });
  function* lines() {
    yield 'customer_id,OPEN_ID,name\n';
    for (let i = 0; i < users; i += 1000) {
      let chunk = '';
      for (let j = i; j < Math.min(users, i + 1000); j++) chunk += `c${j},o${j},User ${j}\n`;
      yield chunk;
    }
  }
  const started = performance.now();
  const res = await pool.request({ path: `/api/v1/audiences/${audience.id}/import`, method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'text/csv' }, body: Readable.from(lines()) });
  const answer = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`import: ${res.statusCode} ${answer.slice(0, 300)}`);
  return { id: audience.id, seconds: (performance.now() - started) / 1000 };
}

async function createWebhook(api: Api, name: string, receiverPort: number): Promise<string> {
  const webhook = await api('POST', '/api/v1/webhooks', {
    name, authMethod: 'key', key: KEY, url: `http://127.0.0.1:${receiverPort}/hook`, idTypes: ['OPEN_ID'],
    parameters: [{ name: 'define_item1', displayName: 'Coupon', type: 'string', required: true }, { name: 'define_item2', displayName: 'Text', type: 'text', required: false }],
    passEnvironment: true, receipt: { enabled: true, retentionHours: 72, statuses: [{ code: '200', value: 'Success' }, { code: '500', value: 'Failed' }] },
    delivery: { timeoutMs: 10_000, maxConcurrency: 64, maxPerSecond: 0 },
  });
  await api('POST', `/api/v1/webhooks/${webhook.id}/enable`);
  return webhook.id;
}

const TASK_PARAMS = { define_item1: 'C-42', define_item2: 'Hello ${name}, a discount event is happening in Beijing' };

/** Seconds from creating a task (schedule now) to all its users acknowledged by the receiver. */
async function runTask(api: Api, audienceId: string, webhookId: string, users: number, name: string): Promise<{ id: string; seconds: number }> {
  const started = performance.now();
  const task = await api('POST', '/api/v1/tasks', { name, audienceId, webhookId, idType: 'OPEN_ID', batchSize: 100, params: TASK_PARAMS, missingVariable: 'skip', schedule: { type: 'now' } });
  for (;;) {
    const { task: t, stats } = await api('GET', `/api/v1/tasks/${task.id}`);
    if (stats.succeeded + stats.failed >= users || t.status === 'finished' || t.status === 'failed') {
      if (stats.succeeded !== users) progress(`task ${name}: ${stats.succeeded} of ${users} succeeded (${t.status})`);
      break;
    }
    // Each look at the stats costs the server some milliseconds: once a second is precise enough for runs of tens of seconds.
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return { id: task.id, seconds: (performance.now() - started) / 1000 };
}

/** Receipts per report when the bench reports a task's receipts: ten batches of 100. */
const RECEIPTS_PER_REPORT = 1000;

/**
 * Reports one receipt per user of task `taskId` through the receipts API, as its receiver would
 * (one user in a thousand "500", the others "200", so a page filtered by "500" has rare users to
 * find), so that the task's details are measured with a receipt per user, as a task with receipts
 * on has. The messages are read from the server's SQLite file ten batches at a time; four reports
 * are in flight at once. Returns how many receipts and how long.
 */
async function reportTaskReceipts(pool: Pool, dataDir: string, taskId: string, webhookId: string): Promise<{ receipts: number; seconds: number }> {
  const db = new SqliteDatabase(path.join(dataDir, 'hookreach.sqlite'), { readonly: true });
  const page = db.prepare(`select b.id, r.roster from delivery_batches b join delivery_rosters r on r.batch_id = b.id
    where b.task_id = ? and b.id > ? order by b.id limit ${RECEIPTS_PER_REPORT / 100}`);
  let cursor = '';
  let receipts = 0;
  const nextReport = (): string | null => {
    const rows = page.all(taskId, cursor) as { id: string; roster: string }[];
    if (rows.length === 0) return null;
    cursor = rows[rows.length - 1]!.id;
    const report = rows.flatMap((row) => (JSON.parse(row.roster) as string[][]).map(([actionId, customerId]) => ({
      msg_id: randomBytes(16).toString('hex'), status: receipts++ % 1000 === 999 ? '500' : '200', cst_id: customerId, send_time: String(Date.now()),
      callback_params: { webhook_id: webhookId, send_time: '0', nodeId: '', instanceId: '', batchId: row.id, actionId, customerId },
    })));
    return JSON.stringify(report);
  };
  const started = performance.now();
  const reporter = async () => {
    for (let body = nextReport(); body !== null; body = nextReport()) {
      const timestamp = String(unixSeconds(Date.now()));
      const nonce = newNonce();
      const res = await pool.request({
        path: `${RECEIPT_PATH}?timestamp=${timestamp}&nonce=${nonce}`, method: 'POST', body,
        headers: { 'content-type': 'application/json', 'X-QA-Hmac-Signature': makeSignature(KEY, timestamp, nonce) },
      });
      const answer = (await res.body.json()) as { code: number; message: string };
      if (answer.code !== 200) throw new Error(`receipts refused: ${JSON.stringify(answer).slice(0, 300)}`);
    }
  };
  try {
    await Promise.all([reporter(), reporter(), reporter(), reporter()]);
  } finally {
    db.close();
  }
  return { receipts, seconds: (performance.now() - started) / 1000 };
}

/** p50 and p99 in ms of `n` sequential calls. */
async function latency(n: number, call: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await call();
    ms.push(performance.now() - started);
  }
  return { p50: round(percentile(ms, 50), 1), p99: round(percentile(ms, 99), 1) };
}

/**
 * Precise durations, from the server's own timestamps in its SQLite file (read after the run, read-only):
 * polling once a second, as the runs do, would make a 3-second run up to a second longer.
 */
function serverSeconds(dataDir: string): { task(id: string): number; journey(id: string): number } {
  const seconds = (row: unknown) => {
    const { start, end } = row as { start: number | null; end: number | null };
    return start === null || end === null ? Number.NaN : (end - start) / 1000;
  };
  const read = <T>(query: (db: SqliteDatabase.Database) => T): T => {
    const db = new SqliteDatabase(path.join(dataDir, 'hookreach.sqlite'), { readonly: true });
    try {
      return query(db);
    } finally {
      db.close();
    }
  };
  return {
    // From the task's creation to its last batch acknowledged.
    task: (id) => read((db) => seconds(db.prepare('select t.created_at as start, max(b.finished_at) as "end" from tasks t join delivery_batches b on b.task_id = t.id where t.id = ?').get(id))),
    // From the journey's publication to its last user judged.
    // Judged users go on to the end node in the judgment's own write, so their exit (or their cohort's last judgment) is when they were judged.
    journey: (id) => read((db) => seconds(db.prepare(`select j.published_at as start, max(coalesce((select max(i.exited_at) from journey_instances i where i.journey_id = j.id), 0), coalesce((select max(c.settled_at) from journey_cohorts c where c.journey_id = j.id), 0)) as "end" from journeys j where j.id = ?`).get(id))),
  };
}

/** Seconds from publishing a journey (webhook node, judgment on receipts, end) to every user judged. */
async function runJourney(api: Api, audienceId: string, webhookId: string, users: number): Promise<{ id: string; seconds: number }> {
  const journey = await api('POST', '/api/v1/journeys', {
    name: 'Bench journey',
    entry: { type: 'audience', audienceId, at: new Date(Date.now() - 1000).toISOString() },
    nodes: [
      { id: 'send', type: 'webhook', name: 'Send coupon', webhookId, idType: 'OPEN_ID', params: TASK_PARAMS, missingVariable: 'skip' },
      { id: 'judge', type: 'judgment', name: 'Receipt?', wait: { minutes: 30 }, results: ['receipt:200', 'receipt:500'] },
      { id: 'done', type: 'end', name: 'Done' },
    ],
    edges: [
      { from: 'send', to: 'judge' }, { from: 'send', exit: 'noId', to: 'done' },
      { from: 'judge', exit: 'receipt:200', to: 'done' }, { from: 'judge', exit: 'receipt:500', to: 'done' }, { from: 'judge', exit: 'other', to: 'done' },
    ],
  });
  const started = performance.now();
  await api('POST', `/api/v1/journeys/${journey.journey?.id ?? journey.id}/publish`);
  const id = journey.journey?.id ?? journey.id;
  for (;;) {
    const { stats } = await api('GET', `/api/v1/journeys/${id}`);
    const judge = stats.nodes.find((n: { nodeId: string }) => n.nodeId === 'judge');
    const judged = Object.values((judge?.exits ?? {}) as Record<string, number>).reduce((a, b) => a + b, 0);
    if (judged >= users) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return { id, seconds: (performance.now() - started) / 1000 };
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookreach-campaigns-'));
try {
  const receiver = await startChild('receiver', { BENCH_KEY: KEY });
  progress('raw sender');
  const rawUsersPerSecond = await rawSender(receiver.port, 2000);
  const server = await startChild('hookreach-all', { HOOKREACH_DATA_DIR: dataDir, HOOKREACH_ALLOW_NETWORKS: '127.0.0.1/32', DATABASE_URL: '', HOOKREACH_ADMIN_TOKEN: ADMIN_TOKEN });
  const pool = new Pool(`http://127.0.0.1:${server.port}`, { connections: 4 });
  const api = apiOf(pool);
  // Receipts go to the server, 200 ms after each request: the journey judges on them.
  const reporting = await startChild('receiver', { BENCH_KEY: KEY, BENCH_REPORT_TO: `http://127.0.0.1:${server.port}` });

  const timings = serverSeconds(dataDir);
  const atStart = await server.memory();
  let taskPart: object | null = null;
  let afterImport = atStart;
  let afterTask = atStart;
  let afterReceipts = atStart;
  if (TASK_USERS > 0) {
    progress(`import ${TASK_USERS} users`);
    const big = await importAudience(api, pool, 'Bench audience', TASK_USERS);
    afterImport = await server.memory();
    const bigHook = await createWebhook(api, 'Bench receiver', receiver.port);
    progress(`task to ${TASK_USERS} users`);
    server.restartProfile();
    const cpuBefore = await server.cpuMicros();
    const bigTask = await runTask(api, big.id, bigHook, TASK_USERS, 'Bench task');
    const cpuMicrosPerUser = ((await server.cpuMicros()) - cpuBefore) / TASK_USERS;
    // With BENCH_CPU_PROFILE_DIR, the task's profile ends here: the receipts' is the next file.
    server.restartProfile();
    afterTask = await server.memory();
    progress(`receipts of the task's ${TASK_USERS} users`);
    const reported = await reportTaskReceipts(pool, dataDir, bigTask.id, bigHook);
    afterReceipts = await server.memory();
    const stats = await latency(20, () => api('GET', `/api/v1/tasks/${bigTask.id}`));
    const recipients = await latency(20, () => api('GET', `/api/v1/tasks/${bigTask.id}/recipients?limit=50`));
    const filtered = await latency(20, () => api('GET', `/api/v1/tasks/${bigTask.id}/recipients?limit=50&status=succeeded`));
    const byReceipt = await latency(20, () => api('GET', `/api/v1/tasks/${bigTask.id}/recipients?limit=50&receiptStatus=500`));
    const taskSeconds = timings.task(bigTask.id);
    const taskUsersPerSecond = TASK_USERS / taskSeconds;
    taskPart = {
      users: TASK_USERS, batchSize: 100, importSeconds: round(big.seconds, 1), seconds: round(taskSeconds, 2), polledSeconds: round(bigTask.seconds, 1),
      usersPerSecond: round(taskUsersPerSecond), rawUsersPerSecond: round(rawUsersPerSecond), ratio: round(taskUsersPerSecond / rawUsersPerSecond, 2),
      // Server CPU per user (all its threads), which machine load does not change.
      serverCpuMicrosPerUser: round(cpuMicrosPerUser, 2),
      // Measured after a receipt per user was reported (receiptsPerSecond: through the API, four reports of 1,000 at once).
      receipts: reported.receipts, receiptsPerSecond: round(reported.receipts / reported.seconds),
      statsMs: stats, recipientsMs: recipients, recipientsFilteredMs: filtered, recipientsByReceiptMs: byReceipt,
    };
  }

  // BENCH_JOURNEY_USERS=0 skips the journey comparison.
  let plain = { seconds: Number.NaN, polled: Number.NaN, cpuMicrosPerUser: Number.NaN };
  let journey = { seconds: Number.NaN, polled: Number.NaN, cpuMicrosPerUser: Number.NaN };
  if (JOURNEY_USERS > 0) {
    progress(`journey vs task, ${JOURNEY_USERS} users`);
    const small = await importAudience(api, pool, 'Bench journey audience', JOURNEY_USERS);
    const smallTaskAudience = await importAudience(api, pool, 'Bench task audience', JOURNEY_USERS);
    const reportingHook = await createWebhook(api, 'Bench reporting receiver', reporting.port);
    if (process.env.BENCH_PROFILE_JOURNEY) server.restartProfile();
    let cpuBefore = await server.cpuMicros();
    const plainTask = await runTask(api, smallTaskAudience.id, reportingHook, JOURNEY_USERS, 'Bench plain task');
    plain = { seconds: timings.task(plainTask.id), polled: plainTask.seconds, cpuMicrosPerUser: ((await server.cpuMicros()) - cpuBefore) / JOURNEY_USERS };
    if (process.env.BENCH_PROFILE_JOURNEY) server.restartProfile();
    cpuBefore = await server.cpuMicros();
    const journeyRun = await runJourney(api, small.id, reportingHook, JOURNEY_USERS);
    journey = { seconds: timings.journey(journeyRun.id), polled: journeyRun.seconds, cpuMicrosPerUser: ((await server.cpuMicros()) - cpuBefore) / JOURNEY_USERS };
  }
  await pool.close();
  const mb = (bytes: number) => round(bytes / 1024 / 1024);
  const reading = (m: Awaited<ReturnType<typeof server.memory>>) => ({ peakRssMb: round(m.maxRssKb / 1024), rssMb: mb(m.rss), heapTotalMb: mb(m.heapTotal), heapUsedMb: mb(m.heapUsed), externalMb: mb(m.external) });

  console.log(JSON.stringify({
    machine: { cpus: os.cpus().length, node: process.version, store: 'sqlite' },
    task: taskPart,
    journey: {
      users: JOURNEY_USERS, plainTaskSeconds: round(plain.seconds, 2), journeyUntilJudgedSeconds: round(journey.seconds, 2),
      ratio: round(journey.seconds / plain.seconds, 2),
      polledSeconds: { plainTask: round(plain.polled, 1), journey: round(journey.polled, 1) },
      // Server CPU per user (all its threads) from the start of each run until the bench saw it done (polled).
      serverCpuMicrosPerUser: { plainTask: round(plain.cpuMicrosPerUser, 2), journey: round(journey.cpuMicrosPerUser, 2) },
    },
    serverMemory: { atStart: reading(atStart), afterImport: reading(afterImport), afterTask: reading(afterTask), afterReceipts: reading(afterReceipts) },
    peakRssMb: { server: round((await server.stop()) / 1024), receiver: round((await receiver.stop()) / 1024), reportingReceiver: round((await reporting.stop()) / 1024) },
  }, null, 2));
} finally {
  if (process.env.BENCH_KEEP_DIR) process.stderr.write(`bench: data kept in ${dataDir}\n`);
  else fs.rmSync(dataDir, { recursive: true, force: true });
}
process.exit(0);
