/**
 * `node --import tsx bench/journey-cpu.ts`: the CPU a journey costs per user beyond a plain task, in one
 * process and without the network, so that a change to the journey engine can be weighed without the
 * noise of the full campaigns bench (two cores shared with the receivers). On a file SQLite store, with
 * an audience of BENCH_JOURNEY_USERS users (default 100,000) and the campaigns bench's parameters, each
 * round measures: a task enqueueing the audience (pages built on the event loop), receipts reported for
 * its users, a journey's audience entry (webhook node, then a judgment on receipts), and receipts
 * reported for the journey's users with the judgment looking after every 10 reports (1,000 users), as
 * it does when receipts stream in. Prints CPU per user (all threads) of each phase, the least of
 * BENCH_ROUNDS rounds (default 3): the machine's speed varies from minute to minute. BENCH_CPU_PROFILE_DIR
 * writes a CPU profile of each phase there (BENCH_HEAP=1: and a sampled profile of what it allocated).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { makeSignature, newNonce, unixSeconds, type WebhookUserMessage } from '@hookreach/protocol';
import type { InjectOptions } from 'fastify';
import { DEFAULT_WORKSPACE_ID } from '../src/access/bootstrap.js';
import { bodyText } from '../src/delivery/stored-body.js';
import { JourneyRunner } from '../src/journeys/journey-runner.js';
import { inlinePageSource } from '../src/tasks/page-source.js';
import { TaskRunner } from '../src/tasks/task-runner.js';
import { inProcessServer } from './in-process.js';
import { clearStatements, statementReport, timeStatements } from './sql-times.js';
import { round } from './support.js';

const USERS = Number(process.env.BENCH_JOURNEY_USERS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** With BENCH_CPU_PROFILE_DIR, each phase of each round writes a CPU profile there (the main thread's); with BENCH_HEAP=1 also an allocation profile. */
const PROFILE_DIR = process.env.BENCH_CPU_PROFILE_DIR;
const KEY = 'bench-key';
const PARAMS = { define_item1: 'C-42', define_item2: 'Hello ${name}, a discount event is happening in Beijing' };

const server = await inProcessServer('journey-cpu');
const { ctx, app } = server;
const { store } = ctx;

async function api(method: InjectOptions['method'], url: string, body?: object): Promise<{ id: string; journey?: { id: string } }> {
  const res = await app.inject({ method, url, headers: { authorization: `Bearer ${server.token}` }, ...(body === undefined ? {} : { payload: body }) });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** CPU (all threads) per audience user while `work` runs. */
/** BENCH_SQL=1: wall time of each SQLite statement (by its text) per phase, printed to stderr. */
if (process.env.BENCH_SQL) timeStatements();

async function cpuPerUser(work: () => Promise<unknown>, phase: string): Promise<number> {
  const profiler = PROFILE_DIR ? new Session() : undefined;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
    if (process.env.BENCH_HEAP) await profiler.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as object);
  }
  clearStatements();
  const before = process.cpuUsage();
  await work();
  const used = process.cpuUsage(before);
  if (process.env.BENCH_SQL) process.stderr.write(`${phase} ${statementReport(12)}\n`);
  if (profiler) {
    if (process.env.BENCH_HEAP) {
      const heap = await profiler.post('HeapProfiler.stopSampling');
      fs.writeFileSync(path.join(PROFILE_DIR!, `${phase}-${Date.now()}.heapprofile`), JSON.stringify(heap.profile));
    }
    const { profile } = await profiler.post('Profiler.stop');
    fs.writeFileSync(path.join(PROFILE_DIR!, `${phase}-${Date.now()}.cpuprofile`), JSON.stringify(profile));
    profiler.disconnect();
  }
  return (used.user + used.system) / USERS;
}

/** Marks the batches of a task or journey delivered, a millisecond apart (as sends end), and returns a receipts report per batch. */
async function deliver(column: 'task_id' | 'journey_id', id: string): Promise<string[]> {
  const rows = await store.db.selectFrom('delivery_batches as b').innerJoin('delivery_bodies as d', 'd.batch_id', 'b.id').select(['b.id', 'd.body']).where(`b.${column}`, '=', id).orderBy('b.id').execute();
  const start = Date.now() - rows.length;
  for (const [i, row] of rows.entries()) await store.db.updateTable('delivery_batches').set({ status: 'succeeded', finished_at: start + i, updated_at: start + i }).where('id', '=', row.id).execute();
  return rows.map((row) => JSON.stringify((JSON.parse(bodyText(row.body)) as WebhookUserMessage[]).map((m) => ({
    msg_id: randomBytes(16).toString('hex'), status: '200', cst_id: m.user_profile.customer_id, send_time: String(Date.now()), callback_params: m.callback_params,
  }))));
}

async function report(bodies: readonly string[]): Promise<void> {
  for (const body of bodies) {
    const timestamp = String(unixSeconds(Date.now()));
    const nonce = newNonce();
    const res = await app.inject({
      method: 'POST', url: `/restapi/marketing2/webhook/receiveWebHookCallBack?timestamp=${timestamp}&nonce=${nonce}`,
      headers: { 'content-type': 'application/json', 'X-QA-Hmac-Signature': makeSignature(KEY, timestamp, nonce) }, payload: body,
    });
    if ((res.json() as { code: number }).code !== 200) throw new Error(`receipts refused: ${res.body.slice(0, 300)}`);
  }
}

try {
  const now = Date.now();
  const audienceId = 'aud_journey_cpu';
  await store.db.insertInto('audiences').values({ id: audienceId, workspace_id: DEFAULT_WORKSPACE_ID, name: audienceId, created_by: 'mem_admin', user_count: USERS, created_at: now, updated_at: now }).execute();
  for (let i = 0; i < USERS; i += 500) {
    await store.db.insertInto('audience_users').values(Array.from({ length: Math.min(500, USERS - i) }, (_, k) => ({
      audience_id: audienceId, customer_id: `c${String(i + k).padStart(7, '0')}`, ids: JSON.stringify({ OPEN_ID: `o${i + k}` }), attributes: JSON.stringify({ name: `User ${i + k}` }), updated_at: now,
    }))).execute();
  }
  const webhook = await api('POST', '/api/v1/webhooks', {
    name: 'Bench', authMethod: 'key', key: KEY, url: 'http://127.0.0.1:9/hook', idTypes: ['OPEN_ID'], passEnvironment: true,
    parameters: [{ name: 'define_item1', displayName: 'Coupon', type: 'string', required: true }, { name: 'define_item2', displayName: 'Text', type: 'text', required: false }],
    receipt: { enabled: true, retentionHours: 72, statuses: [{ code: '200', value: 'Success' }, { code: '500', value: 'Failed' }] },
  });
  const phases = { task: [] as number[], taskReceipts: [] as number[], journeyEntry: [] as number[], journeyReceiptsJudged: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    const task = await api('POST', '/api/v1/tasks', { name: `Task ${r}`, audienceId, webhookId: webhook.id, idType: 'OPEN_ID', batchSize: 100, params: PARAMS, missingVariable: 'skip', schedule: { type: 'now' } });
    phases.task.push(await cpuPerUser(() => new TaskRunner({ ctx, runnerId: `task-${r}`, pages: inlinePageSource(store.db, store.dialect) }).runOnce(), 'task'));
    const taskReports = await deliver('task_id', task.id);
    phases.taskReceipts.push(await cpuPerUser(() => report(taskReports), 'taskReceipts'));

    const created = await api('POST', '/api/v1/journeys', {
      name: `Journey ${r}`, entry: { type: 'audience', audienceId, at: new Date(Date.now() - 1000).toISOString() },
      nodes: [
        { id: 'send', type: 'webhook', name: 'Send coupon', webhookId: webhook.id, idType: 'OPEN_ID', params: PARAMS, missingVariable: 'skip' },
        { id: 'judge', type: 'judgment', name: 'Receipt?', wait: { minutes: 30 }, results: ['receipt:200', 'receipt:500'] },
        { id: 'done', type: 'end', name: 'Done' },
      ],
      edges: [
        { from: 'send', to: 'judge' }, { from: 'send', exit: 'noId', to: 'done' },
        { from: 'judge', exit: 'receipt:200', to: 'done' }, { from: 'judge', exit: 'receipt:500', to: 'done' }, { from: 'judge', exit: 'other', to: 'done' },
      ],
    });
    const journeyId = created.journey?.id ?? created.id;
    await api('POST', `/api/v1/journeys/${journeyId}/publish`);
    const runner = new JourneyRunner({ ctx, workerId: `journey-${r}` });
    phases.journeyEntry.push(await cpuPerUser(() => runner.runOnce(), 'journeyEntry'));
    const journeyReports = await deliver('journey_id', journeyId);
    phases.journeyReceiptsJudged.push(await cpuPerUser(async () => {
      for (let i = 0; i < journeyReports.length; i += 10) {
        await report(journeyReports.slice(i, i + 10));
        await runner.runOnce();
      }
    }, 'journeyReceiptsJudged'));
  }
  const least = (values: number[]) => round(Math.min(...values), 2);
  console.log(JSON.stringify({
    users: USERS, rounds: ROUNDS,
    cpuMicrosPerUser: Object.fromEntries(Object.entries(phases).map(([phase, values]) => [phase, least(values)])),
    journeyExtraCpuMicrosPerUser: { entryOverTask: round(least(phases.journeyEntry) - least(phases.task), 2), judgedReceiptsOverReceipts: round(least(phases.journeyReceiptsJudged) - least(phases.taskReceipts), 2) },
    allRounds: Object.fromEntries(Object.entries(phases).map(([phase, values]) => [phase, values.map((v) => round(v, 2))])),
  }, null, 2));
} finally {
  await server.close();
}
