/**
 * `node --import tsx bench/claim-cpu.ts`: the CPU the event loop spends per batch on the send path's
 * store work, without the network: claim (lease and body read, the stored body turned back into its
 * bytes undici sends), and the attempt recorded as a success. On a file
 * SQLite store with BENCH_CLAIM_BATCHES batches of 100 users (default 3,000), claimed BENCH_CLAIM_LIMIT
 * at a time (default 16). Steadier than the campaigns bench for comparing two versions of this path.
 */
import type { UserMessageInput } from '@hookreach/protocol';
import { DEFAULT_WORKSPACE_ID } from '../src/access/bootstrap.js';
import { enqueueBatches } from '../src/delivery/enqueue.js';
import { claimBatches, recordAttempts, type AttemptRecord } from '../src/delivery/outbox.js';
import { inProcessServer } from './in-process.js';
import { round } from './support.js';

const BATCHES = Number(process.env.BENCH_CLAIM_BATCHES ?? 3_000);
const LIMIT = Number(process.env.BENCH_CLAIM_LIMIT ?? 16);
const server = await inProcessServer('claim-cpu');
const { ctx, app } = server;
const { store } = ctx;
try {
  const created = await app.inject({
    method: 'POST', url: '/api/v1/webhooks', headers: { authorization: `Bearer ${server.token}` },
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
  await server.close();
}
