import { describe, expect, inject, it } from 'vitest';
import { claimBatches } from '../../src/delivery/outbox.js';
import { useTestApp } from '../support/test-app.js';
import { batchRow, createWebhook, dispatcher, enqueue, isolateWebhooks, OK, useScriptedReceiver } from './support.js';

// Several workers share a store only on PostgreSQL: there the limits hold across all of them.
describe.skipIf(!inject('postgresUrl'))('per-webhook limits across workers [postgres]', () => {
  const t = useTestApp('postgres');
  isolateWebhooks(t);
  const receiver = useScriptedReceiver('file');

  it('holds maxConcurrency for two workers together', async () => {
    receiver.script = () => ({ body: { code: 'OK' }, delayMs: 150 });
    receiver.maxInFlight = 0;
    const webhookId = await createWebhook(t(), receiver.url, { delivery: { maxConcurrency: 3 } });
    const batches = await enqueue(t(), webhookId, Array(12).fill(1));
    const a = dispatcher(t(), { workerId: 'worker-a', concurrency: 10 });
    const b = dispatcher(t(), { workerId: 'worker-b', concurrency: 10 });
    // One round each, at the same time: the second worker sees the first one's three leases.
    const [sentA, sentB] = await Promise.all([a.runOnce(), b.runOnce()]);
    expect(sentA + sentB).toBe(3);
    while ((await Promise.all([a.runOnce(), b.runOnce()])).some((n) => n > 0));
    expect(receiver.maxInFlight).toBe(3);
    for (const batch of batches) expect((await batchRow(t(), batch.batchId)).status).toBe('succeeded');
  });

  it('holds maxPerSecond for two workers together with one shared token bucket', async () => {
    receiver.script = OK;
    // 20/s: a burst of 2 tokens, 2 more every 100 ms. Each worker's own bucket would let it send 2.
    const webhookId = await createWebhook(t(), receiver.url, { delivery: { maxPerSecond: 20, maxConcurrency: 10 } });
    await enqueue(t(), webhookId, Array(10).fill(1));
    const a = dispatcher(t(), { workerId: 'worker-a' });
    const b = dispatcher(t(), { workerId: 'worker-b' });
    const round = async () => (await a.runOnce()) + (await b.runOnce());
    expect(await round()).toBe(2);
    expect(await round()).toBe(0);
    t().clock.advance(50);
    expect(await round()).toBe(1);
    t().clock.advance(100);
    expect(await round()).toBe(2);
  });

  it('gives back the tokens a claim did not use', async () => {
    const webhookId = await createWebhook(t(), receiver.url, { delivery: { maxPerSecond: 20, maxConcurrency: 10 } });
    const limits = { webhookId, maxConcurrency: 10, maxPerSecond: 20 };
    const now = t().clock.now();
    const claim = (limit: number, workerId: string) => claimBatches(t().ctx.store, { webhookId, workerId, now, leaseExpiresAt: now + 30_000, limit, limits });
    await enqueue(t(), webhookId, [1]);
    // Two tokens taken, one batch due: one token comes back, so a new batch can still be claimed now.
    expect(await claim(2, 'worker-a')).toHaveLength(1);
    await enqueue(t(), webhookId, [1, 1]);
    expect(await claim(2, 'worker-b')).toHaveLength(1);
    expect(await claim(2, 'worker-a')).toHaveLength(0);
  });
});
