import { startReceiver, type ReceivedRequest, type ReceiverHandle } from '@hookreach/receiver-kit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { ANY_SKEW, attemptRows, batchRow, createWebhook, dispatcher, enqueue, isolateWebhooks, KEY, deliveryUsers, WORKSPACE } from './support.js';

describeEachDialect('dispatcher: the success path', (dialect) => {
  const t = useTestApp(dialect);
  isolateWebhooks(t);
  let receiver: ReceiverHandle;
  const seen: ReceivedRequest[] = [];

  beforeAll(async () => {
    receiver = await startReceiver({ key: KEY, maxSkewSeconds: ANY_SKEW, onRequest: (event) => void seen.push(event) });
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('sends every batch, signed, to the reference receiver and records success per batch and per user', async () => {
    const webhookId = await createWebhook(t(), `${receiver.url}/qa?tenant=1`, { passEnvironment: true });
    const batches = await enqueue(t(), webhookId, [3, 100, 1]);
    const before = receiver.stats.accepted;
    const engine = dispatcher(t());
    const sentAt = t().clock.now();

    expect(await engine.drain()).toBe(3);
    expect(receiver.stats.accepted - before).toBe(3);
    expect(receiver.stats.rejected).toBe(0);
    const last = seen.slice(-3);
    expect(last.every((r) => r.result.ok)).toBe(true);
    expect(last[0]!.url).toMatch(/^\/qa\?tenant=1&timestamp=\d+&nonce=[0-9a-f]{32}$/);
    expect(last[0]!.headers).toMatchObject({
      'x-qa-workspace-id': WORKSPACE,
      'x-qa-run-kind': 'task',
      'x-qa-task-id': 'task_1',
      'x-qa-webhook-id': webhookId,
    });
    expect(last[0]!.headers['x-qa-journey-id']).toBeUndefined();
    const received = last.flatMap((r) => (r.result.ok ? r.result.users.map((u) => u.callback_params.actionId) : []));
    expect(received.sort()).toEqual(batches.flatMap((b) => b.actionIds).sort());

    for (const batch of batches) {
      expect(await batchRow(t(), batch.batchId)).toMatchObject({ status: 'succeeded', attempts: 1, lease_owner: null, lease_expires_at: null, finished_at: sentAt, last_error: null });
      const [attempt, ...more] = await attemptRows(t(), batch.batchId);
      expect(more).toEqual([]);
      expect(attempt).toMatchObject({ attempt: 1, success: 1, retryable: 0, http_status: 200, code: 'OK', error: null, started_at: sentAt });
      const users = await deliveryUsers(t(), batch.batchId);
      expect(users.length).toBeGreaterThan(0);
      expect(users.every((u) => u.status === 'succeeded' && u.sentAt === new Date(sentAt).toISOString())).toBe(true);
    }
    // Nothing is left to send.
    expect(await engine.runOnce()).toBe(0);
  });

  it('fails a batch whose stored body is damaged or gone, and sends the others', async () => {
    const webhookId = await createWebhook(t(), receiver.url);
    const [damaged, gone, fine] = await enqueue(t(), webhookId, [2, 2, 2]);
    const { db } = t().ctx.store;
    await db.updateTable('delivery_bodies').set({ body: '\u0001pieces without values' }).where('batch_id', '=', damaged!.batchId).execute();
    await db.deleteFrom('delivery_bodies').where('batch_id', '=', gone!.batchId).execute();
    const before = receiver.stats.accepted;
    expect(await dispatcher(t()).drain()).toBe(1);
    expect(receiver.stats.accepted - before).toBe(1);
    expect(await batchRow(t(), fine!.batchId)).toMatchObject({ status: 'succeeded' });
    const error = async (id: string) => JSON.parse((await batchRow(t(), id))!.last_error!).error as string;
    expect(await batchRow(t(), damaged!.batchId)).toMatchObject({ status: 'failed', lease_owner: null });
    expect(await error(damaged!.batchId)).toBe('the stored body could not be read');
    expect(await error(gone!.batchId)).toBe('the body was purged by retention');
  });

  it('wakes up at once when this process enqueues, and polls for the rest', async () => {
    const webhookId = await createWebhook(t(), receiver.url);
    const engine = dispatcher(t(), { pollIntervalMs: 60_000 });
    engine.start();
    try {
      const before = receiver.stats.accepted;
      const [batch] = await enqueue(t(), webhookId, [2]);
      await expect.poll(async () => (await batchRow(t(), batch!.batchId)).status, { timeout: 2_000, interval: 10 }).toBe('succeeded');
      expect(receiver.stats.accepted - before).toBe(1);
    } finally {
      await engine.stop();
    }
  });

  it('holds the batches of a disabled webhook until it is enabled again', async () => {
    const webhookId = await createWebhook(t(), receiver.url);
    const [batch] = await enqueue(t(), webhookId, [1]);
    expect((await t().request('POST', `/api/v1/webhooks/${webhookId}/disable`)).statusCode).toBe(200);
    const engine = dispatcher(t());
    expect(await engine.drain()).toBe(0);
    expect(await batchRow(t(), batch!.batchId)).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await t().request('POST', `/api/v1/webhooks/${webhookId}/enable`)).statusCode).toBe(200);
    expect(await engine.drain()).toBe(1);
    expect((await batchRow(t(), batch!.batchId)).status).toBe('succeeded');
  });

  it('sends a batch scheduled with notBefore only once it is due', async () => {
    const webhookId = await createWebhook(t(), receiver.url);
    const [batch] = await enqueue(t(), webhookId, [1], { notBefore: t().clock.now() + 60_000 });
    const engine = dispatcher(t());
    expect(await engine.drain()).toBe(0);
    t().clock.advance(60_000);
    expect(await engine.drain()).toBe(1);
    expect((await batchRow(t(), batch!.batchId)).status).toBe('succeeded');
  });
});
