import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { createReceiptWebhook, latestStatusesOf, postReceipts, receiptFor, receiptsOf, seedDelivery } from './support.js';

describeEachDialect('concurrent receipt reports', (dialect) => {
  const t = useTestApp(dialect);

  it('stores overlapping reports sent at once (shared messages, repeated msg_ids) without errors or double counts', async () => {
    const webhook = await createReceiptWebhook(t());
    const { messages } = await seedDelivery(t(), webhook.id, { users: 200 });
    // Twelve reports over the same 200 messages in different orders; half of them repeat the msg_ids of another.
    const reports = Array.from({ length: 12 }, (_, r) => {
      const order = r % 2 === 0 ? messages : [...messages].reverse();
      return order.map((m) => receiptFor(m, r % 3 === 0 ? 'FAIL' : '200', `msg-${Math.floor(r / 2)}-${m.actionId}`));
    });
    const answers = await Promise.all(reports.map((report) => postReceipts(t(), report)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(12).fill(200));
    expect(answers.map((a) => a.json().code)).toEqual(Array(12).fill(200));
    expect(await receiptsOf(t(), webhook.id)).toHaveLength(6 * 200);
    const statuses = await latestStatusesOf(t(), messages.map((m) => m.actionId));
    expect(statuses.filter((s) => s === null)).toEqual([]);
  });

  it('lets exactly one of several simultaneous reports with the same nonce through', async () => {
    const webhook = await createReceiptWebhook(t());
    const { messages } = await seedDelivery(t(), webhook.id, { users: 5 });
    const nonce = 'e'.repeat(32);
    const answers = await Promise.all(messages.map((m) => postReceipts(t(), [receiptFor(m, '200')], { nonce })));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 401, 401, 401, 401]);
    expect(await receiptsOf(t(), webhook.id)).toHaveLength(1);
  });
});
