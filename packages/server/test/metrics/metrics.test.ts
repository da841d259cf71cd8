import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { createWebhook, dispatcher, enqueue, isolateWebhooks, scriptedReceiver } from '../delivery/support.js';
import { createReceiptWebhook, postReceipts, receiptFor, seedDelivery } from '../receipts/support.js';

/** The value of one sample line of the exposition text, or undefined. */
function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describeEachDialect('GET /metrics', (dialect) => {
  const t = useTestApp(dialect);
  isolateWebhooks(t);

  it('counts batches, users, attempt latency, receipts, queue depth and age, and circuits, in Prometheus text', async () => {
    const receiver = await scriptedReceiver();
    try {
      let calls = 0;
      receiver.script = () => (calls++ === 0 ? { status: 500, body: { code: 'DOWN' } } : { body: { code: 'OK' } });
      const webhookId = await createWebhook(t(), receiver.url);
      await enqueue(t(), webhookId, [3]);
      const engine = dispatcher(t());
      t().ctx.metrics.watchCircuits(() => engine.circuitStates());
      expect(await engine.runOnce()).toBe(1);
      // The failed batch is due again in 5 s: after 65 s it is the oldest due batch, 60 s late.
      t().clock.advance(65_000);
      let text = (await t().app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(sample(text, 'hookreach_delivery_queue_depth')).toBe(1);
      expect(sample(text, 'hookreach_delivery_oldest_due_age_seconds')).toBe(60);
      expect(await engine.runOnce()).toBe(1);

      const receiptHook = await createReceiptWebhook(t());
      const { messages } = await seedDelivery(t(), receiptHook.id, { users: 3 });
      const repeat = receiptFor(messages[0]!, '200');
      expect((await postReceipts(t(), [repeat, repeat, receiptFor(messages[1]!, '200'), receiptFor(messages[2]!, 'NOPE')])).statusCode).toBe(200);

      const res = await t().app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      text = res.body;
      expect(sample(text, 'hookreach_delivery_batches_total{outcome="retry"}')).toBe(1);
      expect(sample(text, 'hookreach_delivery_batches_total{outcome="succeeded"}')).toBe(1);
      expect(sample(text, 'hookreach_delivery_users_total{outcome="succeeded"}')).toBe(3);
      expect(sample(text, 'hookreach_delivery_attempt_duration_seconds_count{outcome="succeeded"}')).toBe(1);
      expect(sample(text, 'hookreach_receipts_total{outcome="stored"}')).toBe(2);
      expect(sample(text, 'hookreach_receipts_total{outcome="repeated"}')).toBe(1);
      expect(sample(text, 'hookreach_receipts_total{outcome="rejected"}')).toBe(1);
      expect(sample(text, 'hookreach_delivery_queue_depth')).toBe(0);
      expect(sample(text, 'hookreach_delivery_oldest_due_age_seconds')).toBe(0);
      expect(sample(text, `hookreach_webhook_circuit_state{webhook_id="${webhookId}"}`)).toBe(0);
      expect(text).toContain('hookreach_process_resident_memory_bytes');
    } finally {
      await receiver.close();
    }
  });
});
