/**
 * `node --import tsx bench/claim-cpu.ts`: the CPU the event loop spends per batch on the send path's
 * store work, without the network: claim (lease and body read, the stored body turned back into its
 * text), the text made into the bytes undici sends, and the attempt recorded as a success. On a file
 * SQLite store with BENCH_CLAIM_BATCHES batches of 100 users (default 3,000), claimed BENCH_CLAIM_LIMIT
 * at a time (default 16). Steadier than the campaigns bench for comparing two versions of this path.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { UserMessageInput } from '@hookreach/protocol';
import { bootstrap, DEFAULT_WORKSPACE_ID } from '../src/access/bootstrap.js';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { AppContext } from '../src/context.js';
import { enqueueBatches } from '../src/delivery/enqueue.js';
import { claimBatches, recordAttempts, type AttemptRecord } from '../src/delivery/outbox.js';
import { Metrics } from '../src/metrics/metrics.js';
import { createOutboundAgent } from '../src/outbound/agent.js';
import { createSecretBox } from '../src/secrets/secret-box.js';
import { openConfiguredStore } from '../src/server.js';
import { systemClock } from '../src/shared/clock.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { round } from './support.js';

const BATCHES = Number(process.env.BENCH_CLAIM_BATCHES ?? 3_000);
const LIMIT = Number(process.env.BENCH_CLAIM_LIMIT ?? 16);
const TOKEN = `hrk_bench_${randomBytes(12).toString('hex')}`;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookreach-claim-cpu-'));
const config = loadConfig({ HOOKREACH_DATA_DIR: dataDir, LOG_LEVEL: 'silent', HOOKREACH_ALLOW_NETWORKS: '127.0.0.0/8' });
const store = openConfiguredStore(config);
await migrateToLatest(store);
await bootstrap(store, systemClock, TOKEN);
const ctx: AppContext = { config, store, clock: systemClock, secrets: createSecretBox(randomBytes(32)), outbound: createOutboundAgent({ allowNetworks: config.allowNetworks }), metrics: new Metrics(store, systemClock) };
const app = await buildApp(ctx, {});
await app.ready();
try {
  const created = await app.inject({
    method: 'POST', url: '/api/v1/webhooks', headers: { authorization: `Bearer ${TOKEN}` },
    payload: { name: 'Claim bench', authMethod: 'key', key: 'bench-key', url: 'http://127.0.0.1:9/hook', idTypes: ['OPEN_ID'], parameters: [{ name: 'coupon', displayName: 'Coupon', type: 'string' }] },
  });
  const webhookId = (created.json() as { id: string }).id;
  const user = (n: number): UserMessageInput => ({ user_profile: { target_type: 'OPEN_ID', target_id: `open-${n}`, customer_id: `c-${n}` }, params: { coupon: 'C-42' } });
  for (let b = 0; b < BATCHES; b += 100) {
    const batches = Array.from({ length: Math.min(100, BATCHES - b) }, (_, j) => Array.from({ length: 100 }, (_, i) => user((b + j) * 100 + i)));
    await enqueueBatches(ctx, { workspaceId: DEFAULT_WORKSPACE_ID, webhookId, runKind: 'task', taskId: 'task_bench', batches });
  }
  const before = process.cpuUsage();
  const started = performance.now();
  let claimedBatches = 0;
  for (;;) {
    const now = Date.now();
    const claimed = await claimBatches(store, { webhookId, workerId: 'bench', now, leaseExpiresAt: now + 60_000, limit: LIMIT });
    if (claimed.length === 0) break;
    claimedBatches += claimed.length;
    // What undici does with a string body.
    for (const batch of claimed) Buffer.from(batch.body);
    const records: AttemptRecord[] = claimed.map((batch) => ({
      batchId: batch.id, startedAt: now, latencyMs: 1, success: true, retryable: false, httpStatus: 200, code: 'OK', message: '', error: null, next: { status: 'succeeded' },
    }));
    await recordAttempts(store, { owner: 'bench' }, records, now);
  }
  const cpu = process.cpuUsage(before);
  console.log(JSON.stringify({
    batches: claimedBatches, usersPerBatch: 100, claimLimit: LIMIT,
    cpuMicrosPerBatch: round((cpu.user + cpu.system) / claimedBatches, 1), wallMicrosPerBatch: round(((performance.now() - started) * 1000) / claimedBatches, 1),
  }, null, 2));
} finally {
  await app.close();
  await ctx.outbound.close();
  await store.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
