import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  ADMIN_TOKEN, BIN, countingReceiver, createWebhookAndTask, describePostgres, scaleDatabase, seedAudience, spawnChild, waitFor,
  type Child, type CountingReceiver, type ScaleDatabase,
} from './support.js';

const TIMEOUT_MS = 2_000;
/** Time for a process to start its exit and close its pool once the sends are recorded. */
const MARGIN_MS = 2_500;

// The real `hookreach start --role worker`, as an orchestrator stops it.
describePostgres('graceful shutdown of a worker (SIGTERM)', () => {
  let db: ScaleDatabase;
  let receiver: CountingReceiver;
  let worker: Child | undefined;

  beforeEach(async () => {
    db = await scaleDatabase();
    receiver = await countingReceiver();
  });
  afterEach(async () => {
    worker?.child.kill('SIGKILL');
    await worker?.exited;
    await receiver?.close();
    await db?.dispose();
  });

  it('stops claiming, finishes its in-flight sends (or lets them time out and records them), releases the task and exits 0 within the request timeout', async () => {
    const audienceId = await seedAudience(db.store, 5_000);
    // The first four requests are answered after 1 s, the next four never (they time out at 2 s).
    receiver.delayMs = (index) => (index < 4 ? 1_000 : index < 8 ? null : 0);
    const { taskId } = await createWebhookAndTask(db, receiver.url, audienceId, { maxConcurrency: 8, timeoutMs: TIMEOUT_MS });
    worker = spawnChild('worker', [BIN, 'start', '--role', 'worker'], {
      DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', HOOKREACH_ADMIN_TOKEN: ADMIN_TOKEN,
      HOOKREACH_SECRET_KEY: db.masterKey.toString('hex'), HOOKREACH_ALLOW_NETWORKS: '127.0.0.1/32', HOOKREACH_POLL_INTERVAL_MS: '100',
    });

    await waitFor('eight requests in flight', () => receiver.received.length >= 8, 30_000, 10, async () => worker!.output());
    const sigtermAt = performance.now();
    worker.child.kill('SIGTERM');
    const { code, signal } = await worker.exited;
    const tookMs = performance.now() - sigtermAt;
    expect({ code, signal }, worker.output()).toEqual({ code: 0, signal: null });
    expect(tookMs).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    // It claimed nothing after the signal.
    expect(receiver.received.length).toBe(8);

    // Nothing stays leased: answered batches succeeded, timed-out ones are due again with their attempt recorded.
    const batches = await db.store.db.selectFrom('delivery_batches').select(['id', 'status', 'lease_owner', 'attempts']).where('task_id', '=', taskId).execute();
    expect(batches.filter((b) => b.status === 'sending' || b.lease_owner !== null)).toEqual([]);
    const byId = new Map(batches.map((b) => [b.id, b]));
    expect(receiver.received.slice(0, 4).map((r) => byId.get(r.batchId)?.status)).toEqual(Array(4).fill('succeeded'));
    expect(receiver.received.slice(4, 8).map((r) => byId.get(r.batchId)?.status)).toEqual(Array(4).fill('pending'));
    const attempts = await db.store.db.selectFrom('delivery_attempts').select(['batch_id', 'success', 'error']).execute();
    expect(attempts.length).toBe(8);
    expect(attempts.filter((a) => a.success === 0).map((a) => a.error)).toEqual(Array(4).fill(expect.stringContaining(`no complete answer within ${TIMEOUT_MS} ms`)));
    // The task is released (its lease ended at the stop) for another worker to continue at once.
    const task = await db.store.db.selectFrom('tasks').select(['status', 'lease_expires_at']).where('id', '=', taskId).executeTakeFirstOrThrow();
    expect(task.status).toBe('sending');
    expect(task.lease_expires_at === null || task.lease_expires_at <= Date.now()).toBe(true);
  }, 60_000);
});
