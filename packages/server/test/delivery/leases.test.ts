import { expect, it } from 'vitest';
import { claimBatches, recordAttempts } from '../../src/delivery/outbox.js';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { attemptRows, batchRow, createWebhook, dispatcher, enqueue, deliveryUsers, isolateWebhooks, OK, SHORT_SCHEDULE, useScriptedReceiver } from './support.js';

describeEachDialect('dispatcher: leases', (dialect) => {
  const t = useTestApp(dialect, SHORT_SCHEDULE);
  isolateWebhooks(t);
  const receiver = useScriptedReceiver('file');

  it('takes over the batch of a dead worker once its lease expires; the dead worker\'s late record is ignored', async () => {
    receiver.script = OK;
    const webhookId = await createWebhook(t(), receiver.url);
    const [batch] = await enqueue(t(), webhookId, [2]);
    const t0 = t().clock.now();
    // A worker claims the batch, then dies without recording anything.
    const [claimed] = await claimBatches(t().ctx.store, { webhookId, workerId: 'dead-worker', now: t0, leaseExpiresAt: t0 + 30_000, limit: 10 });
    expect(claimed?.id).toBe(batch!.batchId);
    expect(await batchRow(t(), batch!.batchId)).toMatchObject({ status: 'sending', lease_owner: 'dead-worker', attempts: 1 });

    const survivor = dispatcher(t(), { workerId: 'survivor' });
    t().clock.set(t0 + 29_999);
    expect(await survivor.runOnce()).toBe(0);
    t().clock.set(t0 + 30_000);
    expect(await survivor.runOnce()).toBe(1);
    expect(await batchRow(t(), batch!.batchId)).toMatchObject({ status: 'succeeded', attempts: 2, lease_owner: null });
    const attempts = await attemptRows(t(), batch!.batchId);
    expect(attempts.map((a) => [a.attempt, a.success, a.retryable, a.started_at])).toEqual([[1, 0, 1, t0], [2, 1, 0, t0 + 30_000]]);
    expect(attempts[0]!.error).toMatch(/^worker dead-worker did not record an outcome before its lease expired/);

    // The dead worker comes back and records its (failed) attempt: refused, nothing changes.
    const late = await recordAttempts(t().ctx.store, { owner: 'dead-worker' }, [{
      batchId: batch!.batchId, startedAt: t0, latencyMs: 10, success: false, retryable: false, httpStatus: 400, code: 'X', message: null, error: 'late',
      next: { status: 'failed', lastError: '{}' },
    }], t0 + 31_000);
    expect(late.size).toBe(0);
    const row = await batchRow(t(), batch!.batchId);
    expect(row).toMatchObject({ status: 'succeeded', attempts: 2 });
    // last_error keeps the last failed attempt (the lost one), not the dead worker's late one.
    expect(JSON.parse(row.last_error!).error).toMatch(/^worker dead-worker did not record/);
    expect(await attemptRows(t(), batch!.batchId)).toHaveLength(2);
    expect((await deliveryUsers(t(), batch!.batchId)).every((u) => u.status === 'succeeded')).toBe(true);
  });

  it('ignores a live worker\'s outcome that arrives after another worker took its expired lease over', async () => {
    const webhookId = await createWebhook(t(), receiver.url, { delivery: { timeoutMs: 1000 } });
    const [batch] = await enqueue(t(), webhookId, [1]);
    const from = receiver.requests.length;
    receiver.script = (_r, i) => (i === from ? 'hang' : { body: { code: 'OK' } });
    const warnings: string[] = [];
    const slow = dispatcher(t(), { workerId: 'slow', log: { error() {}, warn: (_o, message) => void warnings.push(message) } });
    const slowRun = slow.runOnce();
    await expect.poll(() => receiver.requests.length, { timeout: 1_000, interval: 5 }).toBe(from + 1);
    // While "slow" waits for its answer, the clock passes its lease (as if it had hung for 30 s).
    t().clock.advance(30_000);
    expect(await dispatcher(t(), { workerId: 'fast' }).runOnce()).toBe(1);
    expect(await batchRow(t(), batch!.batchId)).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(await slowRun).toBe(1); // its request timed out; its record is refused
    const row = await batchRow(t(), batch!.batchId);
    expect(row).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(JSON.parse(row.last_error!).error).toMatch(/^worker slow did not record/);
    expect((await attemptRows(t(), batch!.batchId)).map((a) => a.success)).toEqual([0, 1]);
    expect(warnings).toEqual(['delivery: the lease was taken over; this attempt was not recorded']);
  });

  it('fails a batch whose lease expired on its last attempt', async () => {
    const webhookId = await createWebhook(t(), receiver.url);
    const [batch] = await enqueue(t(), webhookId, [1]);
    const t0 = t().clock.now();
    await t().ctx.store.db.updateTable('delivery_batches').set({ attempts: 3 }).where('id', '=', batch!.batchId).execute();
    await claimBatches(t().ctx.store, { webhookId, workerId: 'dead-worker', now: t0, leaseExpiresAt: t0 + 30_000, limit: 1 });
    t().clock.set(t0 + 30_000);
    expect(await dispatcher(t()).runOnce()).toBe(0);
    const row = await batchRow(t(), batch!.batchId);
    expect(row).toMatchObject({ status: 'failed', attempts: 4, lease_owner: null, finished_at: t0 + 30_000 });
    expect(JSON.parse(row.last_error!).error).toMatch(/lease expired/);
    expect((await deliveryUsers(t(), batch!.batchId)).every((u) => u.status === 'failed')).toBe(true);
  });

  it('stops gracefully: waits for answers within the grace time, then aborts and releases the rest without spending an attempt', async () => {
    const webhookId = await createWebhook(t(), receiver.url, { delivery: { maxConcurrency: 2 } });
    const [quick, stuck] = await enqueue(t(), webhookId, [1, 1]);
    const from = receiver.requests.length;
    receiver.script = (r) => (r.body.includes(quick!.batchId) ? { delayMs: 150 } : 'hang');
    const engine = dispatcher(t());
    engine.start();
    await expect.poll(() => receiver.requests.length, { timeout: 1_000, interval: 5 }).toBe(from + 2);
    const t0 = t().clock.now();
    const started = performance.now();
    await engine.stop(400);
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(engine.activeRequests).toBe(0);
    expect(await batchRow(t(), quick!.batchId)).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(await batchRow(t(), stuck!.batchId)).toMatchObject({ status: 'pending', attempts: 0, lease_owner: null, lease_expires_at: null, next_attempt_at: t0 });
    expect(await attemptRows(t(), stuck!.batchId)).toEqual([]);

    receiver.script = OK;
    expect(await dispatcher(t()).runOnce()).toBe(1);
    expect(await batchRow(t(), stuck!.batchId)).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('lets several workers share one outbox without sending any batch twice', async () => {
    receiver.script = () => ({ delayMs: 5 });
    const from = receiver.requests.length;
    const webhookId = await createWebhook(t(), receiver.url, { delivery: { maxConcurrency: 16 } });
    const batches = await enqueue(t(), webhookId, Array(60).fill(1));
    const workers = ['w1', 'w2', 'w3'].map((workerId) => dispatcher(t(), { workerId, concurrency: 6 }));
    for (const worker of workers) worker.start();
    try {
      await expect.poll(() => receiver.requests.length - from, { timeout: 3_000, interval: 10 }).toBe(60);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
    const seen = receiver.requests.slice(from).map((r) => JSON.parse(r.body)[0].callback_params.batchId as string);
    expect(new Set(seen).size).toBe(60);
    expect(seen.sort()).toEqual(batches.map((b) => b.batchId).sort());
    const rows = await t().ctx.store.db.selectFrom('delivery_batches').select(['status', 'attempts']).where('webhook_id', '=', webhookId).execute();
    expect(rows.every((r) => r.status === 'succeeded' && r.attempts === 1)).toBe(true);
  });
});
