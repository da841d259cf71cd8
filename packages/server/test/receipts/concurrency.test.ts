import { expect, it } from 'vitest';
import { countReceiptsByStatus } from '../../src/receipts/counts-store.js';
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
    const stored = await receiptsOf(t(), webhook.id);
    expect(stored).toHaveLength(6 * 200);
    // Which report's msg_ids won depends on arrival; the counts kept as they arrived match the receipts stored.
    const expected = ['200', 'FAIL']
      .map((status) => {
        const rows = stored.filter((r) => r.status === status);
        return { status, value: status === '200' ? 'Success' : 'Failed', count: rows.length, users: new Set(rows.map((r) => r.action_id)).size };
      })
      .filter((c) => c.count > 0);
    expect(await countReceiptsByStatus(t().ctx.store, { webhookId: webhook.id })).toEqual(expected);
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
