import { beforeAll, expect, it } from 'vitest';
import { countReceiptsByStatus } from '../../src/receipts/counts-store.js';
import { forEachReceiptOf, listMessageReceipts } from '../../src/receipts/store.js';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { createReceiptWebhook, latestStatusesOf, postReceipts, receiptFor, seedDelivery, type SeededMessage } from './support.js';

describeEachDialect('receipt counts', (dialect) => {
  const t = useTestApp(dialect);
  let webhookId: string;
  let otherWebhookId: string;
  let batchA: string;
  let batchB: string;
  let messagesA: SeededMessage[];

  beforeAll(async () => {
    webhookId = (await createReceiptWebhook(t())).id;
    otherWebhookId = (await createReceiptWebhook(t())).id;
    const a = await seedDelivery(t(), webhookId, { users: 4, taskId: 'task-a' });
    const b = await seedDelivery(t(), webhookId, { users: 2, taskId: 'task-b' });
    const c = await seedDelivery(t(), otherWebhookId, { users: 1, taskId: 'task-a' });
    batchA = a.batchId;
    batchB = b.batchId;
    messagesA = a.messages;
    // Task a: three users 200 (one of them twice, with two msg_ids), one FAIL; the repeat of a msg_id is not counted.
    const repeat = receiptFor(a.messages[0]!, '200', 'r'.repeat(32));
    const report = [
      repeat,
      receiptFor(a.messages[0]!, '200'),
      receiptFor(a.messages[1]!, '200'),
      receiptFor(a.messages[2]!, '200'),
      receiptFor(a.messages[3]!, 'FAIL'),
      receiptFor(b.messages[0]!, 'FAIL'),
      receiptFor(c.messages[0]!, '200'),
    ];
    expect((await postReceipts(t(), report)).json()).toEqual({ code: 200, message: 'Success' });
    t().clock.advance(1000);
    expect((await postReceipts(t(), [repeat, receiptFor(a.messages[3]!, '200')])).json()).toEqual({ code: 200, message: 'Success' });
  });

  it('counts receipts and users per status for a webhook', async () => {
    expect(await countReceiptsByStatus(t().ctx.store, { webhookId })).toEqual([
      { status: '200', value: 'Success', count: 5, users: 4 },
      { status: 'FAIL', value: 'Failed', count: 2, users: 2 },
    ]);
  });

  it('counts per batch and per task (joined through delivery_batches)', async () => {
    expect(await countReceiptsByStatus(t().ctx.store, { batchIds: [batchB] })).toEqual([{ status: 'FAIL', value: 'Failed', count: 1, users: 1 }]);
    expect(await countReceiptsByStatus(t().ctx.store, { batchIds: [batchA, batchB] })).toEqual([
      { status: '200', value: 'Success', count: 5, users: 4 },
      { status: 'FAIL', value: 'Failed', count: 2, users: 2 },
    ]);
    // Task a sent through both webhooks.
    expect(await countReceiptsByStatus(t().ctx.store, { taskId: 'task-a' })).toEqual([
      { status: '200', value: 'Success', count: 6, users: 5 },
      { status: 'FAIL', value: 'Failed', count: 1, users: 1 },
    ]);
    expect(await countReceiptsByStatus(t().ctx.store, { taskId: 'task-a', webhookId: otherWebhookId })).toEqual([{ status: '200', value: 'Success', count: 1, users: 1 }]);
    expect(await countReceiptsByStatus(t().ctx.store, { taskId: 'no-such-task' })).toEqual([]);
    expect(await countReceiptsByStatus(t().ctx.store, { batchIds: [] })).toEqual([]);
  });

  it('lists the receipts of one message, oldest first, and keeps its latest status', async () => {
    const receipts = await listMessageReceipts(t().ctx.store, { batchId: batchA, actionId: messagesA[3]!.actionId });
    expect(receipts.map((r) => r.status)).toEqual(['FAIL', '200']);
    expect(receipts[1]!.receivedAt - receipts[0]!.receivedAt).toBe(1000);
    expect(receipts[0]).toMatchObject({ customerId: messagesA[3]!.customerId, sendTime: '1764550800000', msgId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(await latestStatusesOf(t(), [messagesA[3]!.actionId])).toEqual(['200']);
    expect(await listMessageReceipts(t().ctx.store, { batchId: batchA, actionId: 'act_none' })).toEqual([]);
    // A message is known by its batch and action id together: another batch's key finds nothing.
    expect(await listMessageReceipts(t().ctx.store, { batchId: batchB, actionId: messagesA[3]!.actionId })).toEqual([]);
  });
  // Last: it purges the receipts the other tests read.
  it('keeps the counts when the retention sweep purges the receipts, as the batches\' other counts stay', async () => {
    const before = await countReceiptsByStatus(t().ctx.store, { webhookId });
    // As the sweep deletes them (this file's batch ids are not time-ordered, so its key walk would not reach them).
    const stored = async () => {
      let n = 0;
      await forEachReceiptOf(t().ctx.store.db, t().ctx.store.dialect, [batchA, batchB], () => n++);
      return n;
    };
    expect(await stored()).toBe(7);
    await t().ctx.store.db.deleteFrom('batch_receipts').where('batch_id', 'in', [batchA, batchB]).execute();
    expect(await stored()).toBe(0);
    expect(await listMessageReceipts(t().ctx.store, { batchId: batchA, actionId: messagesA[3]!.actionId })).toEqual([]);
    expect(await countReceiptsByStatus(t().ctx.store, { webhookId })).toEqual(before);
  });
});
