import { afterEach, beforeEach, expect, it } from 'vitest';
import { pgProxy, type PgProxy } from './pg-proxy.js';
import {
  countingReceiver, createWebhookAndTask, describePostgres, expectEveryUserDelivered, expectExactCounts, scaleDatabase, seedAudience, situation, spawnWorker, stopAll,
  taskStatus, waitFor, type Child, type CountingReceiver, type ScaleDatabase,
} from './support.js';

const USERS = 50_000;
const BATCHES = USERS / 100;
const OUTAGE_MS = 2_000;

// The machine's PostgreSQL is shared with other test files, so its "restart" is a proxy between the
// workers and it that drops every connection and refuses new ones for two seconds.
describePostgres('PostgreSQL restarted in the middle of a task', () => {
  let db: ScaleDatabase;
  let proxy: PgProxy;
  let receiver: CountingReceiver;
  let workers: Child[] = [];

  beforeEach(async () => {
    db = await scaleDatabase();
    proxy = await pgProxy(db.url);
    receiver = await countingReceiver();
  });
  afterEach(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    workers = [];
    await receiver?.close();
    await proxy?.close();
    await db?.dispose();
  });

  it('workers reconnect and finish with nothing lost: every user delivered, exact counts, no worker crashed', async () => {
    const audienceId = await seedAudience(db.store, USERS);
    receiver.delayMs = () => 20;
    const { taskId } = await createWebhookAndTask(db, receiver.url, audienceId, { maxConcurrency: 12 });
    workers = ['p1', 'p2'].map((id) => spawnWorker(id, proxy.url, db.masterKey));

    // Mid-task: pages still being enqueued and batches in flight.
    await waitFor('the first batches delivered', () => receiver.received.length >= 20, 60_000, 10);
    const before = await db.store.db.selectFrom('tasks').select(['status', 'users_read']).where('id', '=', taskId).executeTakeFirstOrThrow();
    expect(before.status).toBe('sending');
    const acceptedBefore = proxy.accepted;
    await proxy.restart(OUTAGE_MS);
    const deliveredAtRestart = receiver.received.length;

    await waitFor('the task to finish', async () => (await taskStatus(db.store, taskId)) === 'finished', 60_000, 100, () => situation(db.store, taskId, workers));
    // They reconnected (new connections through the proxy) and delivered after the outage.
    expect(proxy.accepted).toBeGreaterThan(acceptedBefore);
    expect(receiver.received.length).toBeGreaterThan(deliveredAtRestart);
    for (const w of workers) expect({ worker: w.name, exitCode: w.child.exitCode, signal: w.child.signalCode }, w.output()).toEqual({ worker: w.name, exitCode: null, signal: null });

    await expectEveryUserDelivered(db.store, taskId, USERS, receiver.received);
    await expectExactCounts(db, taskId, USERS, BATCHES);
    if (process.env.SCALE_DEBUG) console.info({ readAtRestart: before.users_read, deliveredAtRestart, requests: receiver.received.length, accepted: proxy.accepted - acceptedBefore });
    await stopAll(workers);
  }, 150_000);
});
