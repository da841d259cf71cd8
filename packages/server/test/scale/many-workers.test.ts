import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  countingReceiver, createWebhookAndTask, describePostgres, expectEveryUserDelivered, expectExactCounts, scaleDatabase, seedAudience, situation, spawnWorker, stopAll,
  taskStatus, waitFor, type Child, type CountingReceiver, type ScaleDatabase,
} from './support.js';

const USERS = 100_000;
const BATCHES = USERS / 100;
/** Workers the churn test kills, one each time another eighth of the batches has been delivered. */
const KILLS = 7;

describePostgres('three worker processes on one database', () => {
  let db: ScaleDatabase;
  let receiver: CountingReceiver;
  let workers: Child[] = [];

  beforeEach(async () => {
    db = await scaleDatabase();
    receiver = await countingReceiver();
  });
  afterEach(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    workers = [];
    await receiver?.close();
    await db?.dispose();
  });

  it('deliver a 100,000-user task: every user once, the task finished with exact counts', async () => {
    const audienceId = await seedAudience(db.store, USERS);
    const { taskId } = await createWebhookAndTask(db, receiver.url, audienceId, { maxConcurrency: 24 });
    workers = ['w1', 'w2', 'w3'].map((id) => spawnWorker(id, db.url, db.masterKey));

    await waitFor('the task to finish', async () => (await taskStatus(db.store, taskId)) === 'finished', 90_000);
    const repeats = await expectEveryUserDelivered(db.store, taskId, USERS, receiver.received);
    // Nobody crashed, so no batch went out twice: one attempt per batch.
    expect(repeats.size).toBe(0);
    expect(receiver.received.length).toBe(BATCHES);
    const attempts = await db.store.db.selectFrom('delivery_attempts').select(['batch_id', 'success']).execute();
    expect({ attempts: attempts.length, succeeded: attempts.filter((a) => a.success === 1).length }).toEqual({ attempts: BATCHES, succeeded: BATCHES });
    await expectExactCounts(db, taskId, USERS, BATCHES);
    await stopAll(workers);
  }, 120_000);

  it('with one worker killed (SIGKILL) seven times during the task and restarted: every user delivered, repeats only of batches in flight at a kill, same ids and bytes, exact counts', async () => {
    const audienceId = await seedAudience(db.store, USERS);
    // Slower answers stretch the run over several kills. A dead worker's leases count against the webhook's
    // shared concurrency until they expire, so the limit leaves the live workers room meanwhile.
    receiver.delayMs = () => 40;
    const { taskId } = await createWebhookAndTask(db, receiver.url, audienceId, { maxConcurrency: 30 });
    const slots = ['a', 'b', 'c'];
    workers = slots.map((slot) => spawnWorker(`${slot}-0`, db.url, db.masterKey));
    const killed: string[] = [];
    const leasedAtKill = new Set<string>();

    const finished = async () => (await taskStatus(db.store, taskId)) === 'finished';
    // Kills paced by progress, not by the clock, so a fast or a loaded machine sees the same number of them.
    for (let round = 0; round < KILLS; round++) {
      const milestone = ((round + 1) * BATCHES) / (KILLS + 1);
      await waitFor(`${milestone} batches delivered`, async () => receiver.received.length >= milestone || (await finished()), 90_000, 20, () => situation(db.store, taskId, workers));
      if (await finished()) break;
      const slot = round % slots.length;
      const victim = workers[slot]!;
      victim.child.kill('SIGKILL');
      const { signal } = await victim.exited;
      expect(signal, victim.output()).toBe('SIGKILL');
      killed.push(victim.name);
      // Dead now: its leases stay as they are until they expire and another worker recovers them.
      const leased = await db.store.db.selectFrom('delivery_batches').select('id').where('status', '=', 'sending').where('lease_owner', '=', victim.name).execute();
      for (const b of leased) leasedAtKill.add(b.id);
      workers[slot] = spawnWorker(`${slots[slot]}-${round + 1}`, db.url, db.masterKey);
    }
    await waitFor('the task to finish', finished, 90_000, 100, () => situation(db.store, taskId, workers));

    expect(killed.length).toBe(KILLS);
    const repeats = await expectEveryUserDelivered(db.store, taskId, USERS, receiver.received);
    // Every lost attempt is a killed worker's lease, recovered after it expired; no live worker lost one.
    const lost = await db.store.db.selectFrom('delivery_attempts').select(['batch_id', 'error']).where('success', '=', 0).execute();
    const killedOwners = new Set(killed);
    expect(lost.filter((a) => !killedOwners.has(/^worker (\S+) did not record an outcome/.exec(a.error ?? '')?.[1] ?? ''))).toEqual([]);
    expect(lost.length).toBeGreaterThan(0);
    expect(new Set(lost.map((a) => a.batch_id))).toEqual(leasedAtKill);
    // Duplicates only for batches in flight at a kill.
    expect([...repeats].filter((id) => !leasedAtKill.has(id))).toEqual([]);
    await expectExactCounts(db, taskId, USERS, BATCHES);
    if (process.env.SCALE_DEBUG) console.info({ kills: killed.length, leasedAtKill: leasedAtKill.size, repeats: repeats.size, requests: receiver.received.length });
    await stopAll(workers);
  }, 180_000);
});
