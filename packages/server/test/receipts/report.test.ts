import { expect, it } from 'vitest';
import { reportReceipts } from '@hookreach/receiver-kit';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { latestReceipts } from '../../src/receipts/store.js';
import { createReceiptWebhook, KEY, latestStatusesOf, postReceipts, receiptFor, receiptsOf, receiptState, seedDelivery } from './support.js';

/** The index in an action id made by seedDelivery (`act_<batch>_<i>`). */
const i = (actionId: string): string => actionId.slice(actionId.lastIndexOf('_') + 1);

describeEachDialect('receipt reports', (dialect) => {
  const t = useTestApp(dialect);

  it('accepts a batch: answers the document\'s Success, stores each receipt and sets the message status', async () => {
    const webhook = await createReceiptWebhook(t());
    const { batchId, messages } = await seedDelivery(t(), webhook.id, { users: 3 });
    const receipts = messages.map((m, i) => receiptFor(m, i === 2 ? 'FAIL' : '200'));
    const res = await postReceipts(t(), receipts);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ code: 200, message: 'Success' });

    const stored = await receiptsOf(t(), webhook.id);
    expect(stored.map((r) => ({ msg: r.msg_id, action: r.action_id, batch: r.batch_id, cst: r.customer_id, status: r.status, sendTime: r.send_time, at: r.received_at })))
      .toEqual(expect.arrayContaining(receipts.map((r) => ({
        msg: r.msg_id, action: r.callback_params.actionId, batch: batchId, cst: r.cst_id, status: r.status, sendTime: '1764550800000', at: t().clock.now(),
      }))));
    expect(stored).toHaveLength(3);
    expect(stored.map((r) => r.position).sort()).toEqual([0, 1, 2]);
    const latest = await latestReceipts(t().ctx.store.db, t().ctx.store.dialect, messages.map((m) => ({ batchId, actionId: m.actionId })));
    expect(messages.map((m) => latest.get(m.actionId))).toEqual([
      { status: '200', receivedAt: t().clock.now() }, { status: '200', receivedAt: t().clock.now() }, { status: 'FAIL', receivedAt: t().clock.now() },
    ]);
  });

  it('accepts the millisecond timestamp of the document\'s sample request', async () => {
    const saved = t().clock.now();
    t().clock.set(1755848301481 + 2000);
    try {
      const webhook = await createReceiptWebhook(t());
      const { messages } = await seedDelivery(t(), webhook.id, { users: 1 });
      const res = await postReceipts(t(), [receiptFor(messages[0]!, '200')], { timestamp: '1755848301481' });
      expect(res.json()).toEqual({ code: 200, message: 'Success' });
      expect(await receiptsOf(t(), webhook.id)).toHaveLength(1);
    } finally {
      t().clock.set(saved);
    }
  });

  it('answers the document\'s empty sample report with Success, storing nothing', async () => {
    const before = await receiptState(t());
    const res = await postReceipts(t(), [], { signature: '5d41402abc4b2a76b9719d911017c592', nonce: 'abc' });
    expect(res.json()).toEqual({ code: 200, message: 'Success' });
    expect(await receiptState(t())).toEqual(before);
  });

  it('acknowledges a repeated msg_id without counting it twice, across reports and within one', async () => {
    const webhook = await createReceiptWebhook(t());
    const { messages } = await seedDelivery(t(), webhook.id, { users: 2 });
    const first = receiptFor(messages[0]!, '200', 'a'.repeat(32));
    expect((await postReceipts(t(), [first])).json()).toEqual({ code: 200, message: 'Success' });
    // The same receipt again, and a report repeating one msg_id inside itself (with another status: the first wins).
    expect((await postReceipts(t(), [first])).json()).toEqual({ code: 200, message: 'Success' });
    const second = receiptFor(messages[1]!, 'FAIL', 'b'.repeat(32));
    const res = await postReceipts(t(), [second, { ...second, status: '200' }]);
    expect(res.json()).toEqual({ code: 200, message: 'Success' });

    const stored = await receiptsOf(t(), webhook.id);
    expect(stored.map((r) => [r.msg_id, r.status]).sort()).toEqual([['a'.repeat(32), '200'], ['b'.repeat(32), 'FAIL']]);
    expect(await latestStatusesOf(t(), [messages[1]!.actionId])).toEqual(['FAIL']);
  });

  it('keeps the valid receipts of a mixed report and lists each refused one with its reason', async () => {
    const webhook = await createReceiptWebhook(t());
    const noReceipts = await createReceiptWebhook(t(), { receipt: { enabled: false, retentionHours: 72, statuses: [] } });
    const { messages } = await seedDelivery(t(), webhook.id, { users: 5 });
    const other = await seedDelivery(t(), noReceipts.id, { users: 1 });
    const report = [
      receiptFor(messages[0]!, '200'),
      receiptFor(messages[1]!, 'NOPE'),
      { ...receiptFor(messages[2]!, '200'), callback_params: { ...messages[2]!.callbackParams, actionId: 'act_unknown' } },
      { ...receiptFor(messages[3]!, '200'), cst_id: 'someone-else' },
      { ...receiptFor(messages[4]!, '200'), callback_params: { ...messages[4]!.callbackParams, batchId: 'bat_other' } },
      receiptFor(other.messages[0]!, '200'),
      { ...receiptFor(messages[0]!, '200'), callback_params: { ...messages[0]!.callbackParams, webhook_id: 'wh_missing' } },
      receiptFor(messages[4]!, 'FAIL'),
      // A wrong batchId, with no other receipt naming the message's real batch.
      { ...receiptFor(messages[2]!, '200'), callback_params: { ...messages[2]!.callbackParams, batchId: 'bat_other' } },
    ];
    const res = await postReceipts(t(), report);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.code).toBe(207);
    expect(body.accepted).toBe(2);
    expect(body.rejected).toEqual([
      { index: 1, msg_id: report[1]!.msg_id, reason: `status "NOPE" is not a receipt status of webhook "${webhook.id}"` },
      { index: 2, msg_id: report[2]!.msg_id, reason: `callback_params.actionId "act_unknown" is not a message sent through Hookreach in batchId "${messages[2]!.callbackParams.batchId}"` },
      { index: 3, msg_id: report[3]!.msg_id, reason: 'cst_id "someone-else" is not the customer the message was sent to' },
      { index: 4, msg_id: report[4]!.msg_id, reason: `callback_params.batchId does not match the message sent as actionId "${messages[4]!.actionId}"` },
      { index: 5, msg_id: report[5]!.msg_id, reason: `receipts are not enabled on webhook "${noReceipts.id}"` },
      { index: 6, msg_id: report[6]!.msg_id, reason: 'callback_params.webhook_id "wh_missing" is not a webhook' },
      { index: 8, msg_id: report[8]!.msg_id, reason: `callback_params.actionId "${messages[2]!.actionId}" is not a message sent through Hookreach in batchId "bat_other"` },
    ]);
    expect(body.message).toMatch(/^7 of 9 receipts rejected: receipts\[1\] \(msg_id "[0-9a-f]{32}"\): status "NOPE" is not a receipt status/);
    for (const r of body.rejected) expect(body.message).toContain(`receipts[${r.index}] (msg_id "${r.msg_id}"): ${r.reason}`);

    const stored = await receiptsOf(t(), webhook.id);
    expect(stored.map((r) => r.msg_id).sort()).toEqual([report[0]!.msg_id, report[7]!.msg_id].sort());
    expect(await receiptsOf(t(), noReceipts.id)).toEqual([]);
    expect(await latestStatusesOf(t(), [...messages].map((m) => m.actionId).sort())).toEqual(['200', null, null, null, 'FAIL']);
  });

  it('matches each receipt against the message it names, whichever of two claims of one message comes first', async () => {
    const webhook = await createReceiptWebhook(t());
    const { messages } = await seedDelivery(t(), webhook.id, { users: 2 });
    const wrongCustomer = (m: (typeof messages)[number]) => ({ ...receiptFor(m, '200'), callback_params: { ...m.callbackParams, customerId: 'cst_other' } });
    // Message 0: the wrong customer first, then the right one. Message 1: the right one first.
    const report = [wrongCustomer(messages[0]!), receiptFor(messages[0]!, '200'), receiptFor(messages[1]!, '200'), wrongCustomer(messages[1]!)];
    const body = (await postReceipts(t(), report)).json();
    expect(body.accepted).toBe(2);
    expect(body.rejected).toEqual([0, 3].map((index) => ({
      index, msg_id: report[index]!.msg_id, reason: `callback_params.customerId does not match the message sent as actionId "${messages[index === 0 ? 0 : 1]!.actionId}"`,
    })));
    expect((await receiptsOf(t(), webhook.id)).map((r) => r.msg_id).sort()).toEqual([report[1]!.msg_id, report[2]!.msg_id].sort());
  });

  it('refuses with code 400 a report whose receipts are all refused, storing none', async () => {
    const webhook = await createReceiptWebhook(t());
    const { messages } = await seedDelivery(t(), webhook.id, { users: 2 });
    const before = await receiptState(t());
    const report = messages.map((m) => receiptFor(m, 'UNKNOWN'));
    const res = await postReceipts(t(), report);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 400, accepted: 0, message: expect.stringMatching(/^2 of 2 receipts rejected: /) });
    expect(res.json().rejected.map((r: { index: number }) => r.index)).toEqual([0, 1]);
    expect(await receiptState(t())).toEqual(before);
  });

  it('accepts a receipt until the retention period ends, measured from the send (or the batch when no send time is recorded)', async () => {
    const webhook = await createReceiptWebhook(t(), { receipt: { enabled: true, retentionHours: 2, statuses: [{ code: '200', value: 'Success' }] } });
    const sent = await seedDelivery(t(), webhook.id, { users: 2 });
    const unsent = await seedDelivery(t(), webhook.id, { users: 1, sentAt: null });
    t().clock.advance(2 * 3_600_000); // exactly at the end: still accepted
    expect((await postReceipts(t(), [receiptFor(sent.messages[0]!, '200')])).json()).toEqual({ code: 200, message: 'Success' });
    t().clock.advance(1);
    const late = receiptFor(sent.messages[1]!, '200');
    const lateUnsent = receiptFor(unsent.messages[0]!, '200');
    const before = await receiptState(t());
    const res = await postReceipts(t(), [late, lateUnsent]);
    expect(res.statusCode).toBe(400);
    const end = new Date(t().clock.now() - 1).toISOString();
    expect(res.json().rejected).toEqual([
      { index: 0, msg_id: late.msg_id, reason: `the webhook's retention period (2 h after the send) ended at ${end}` },
      { index: 1, msg_id: lateUnsent.msg_id, reason: `the webhook's retention period (2 h after the send) ended at ${end}` },
    ]);
    expect(await receiptState(t())).toEqual(before);
  });

  it('accepts receipts for a disabled webhook and for a batch still being retried', async () => {
    const webhook = await createReceiptWebhook(t());
    const { batchId, messages } = await seedDelivery(t(), webhook.id, { users: 2, sentAt: null });
    await t().ctx.store.db.updateTable('delivery_batches').set({ status: 'pending', attempts: 1 }).where('id', '=', batchId).execute();
    const disabled = await t().request('POST', `/api/v1/webhooks/${webhook.id}/disable`);
    expect(disabled.statusCode, disabled.body).toBe(200);
    const res = await postReceipts(t(), messages.map((m) => receiptFor(m, '200')));
    expect(res.json()).toEqual({ code: 200, message: 'Success' });
    expect(await receiptsOf(t(), webhook.id)).toHaveLength(2);
  });

  it('accepts one report naming several webhooks that share a key', async () => {
    const a = await createReceiptWebhook(t());
    const b = await createReceiptWebhook(t());
    const sa = await seedDelivery(t(), a.id, { users: 1 });
    const sb = await seedDelivery(t(), b.id, { users: 1 });
    const res = await postReceipts(t(), [receiptFor(sa.messages[0]!, '200'), receiptFor(sb.messages[0]!, 'FAIL')]);
    expect(res.json()).toEqual({ code: 200, message: 'Success' });
    expect(await receiptsOf(t(), a.id)).toHaveLength(1);
    expect(await receiptsOf(t(), b.id)).toHaveLength(1);
  });

  it('accepts a webhook without authentication when the signature header is ""', async () => {
    const webhook = await createReceiptWebhook(t(), { authMethod: 'none', key: undefined });
    const { messages } = await seedDelivery(t(), webhook.id, { users: 1 });
    const res = await postReceipts(t(), [receiptFor(messages[0]!, '200')], { key: null });
    expect(res.json()).toEqual({ code: 200, message: 'Success' });
    expect(await receiptsOf(t(), webhook.id)).toHaveLength(1);
  });

  it('finds a message in its batch\'s roster whatever its customer id holds, with few receipts per batch or many', async () => {
    const webhook = await createReceiptWebhook(t());
    // Customer ids that look like the roster's own JSON: brackets, quotes, a whole fake entry.
    const tricky = ['c]1', 'c"]2', '"],["act_fake","x","OPEN_ID","y"]', 'Zoë 用户 \\ ]'];
    const few = await seedDelivery(t(), webhook.id, { users: 4 });
    const many = await seedDelivery(t(), webhook.id, { users: 40 });
    for (const batch of [few, many]) {
      batch.messages.slice(0, 4).forEach((m, i) => {
        m.customerId = tricky[i]!;
        m.callbackParams.customerId = tricky[i]!;
      });
      const roster = batch.messages.map((m) => [m.actionId, m.customerId, 'OPEN_ID', `open-${i(m.actionId)}`]);
      await t().ctx.store.db.updateTable('delivery_rosters').set({ roster: JSON.stringify(roster) }).where('batch_id', '=', batch.batchId).execute();
    }
    // Two receipts of the 4-user batch (its roster searched), all 40 of the other (parsed whole), and one that names a customer the message was not sent to.
    const wrong = receiptFor({ ...few.messages[2]!, callbackParams: { ...few.messages[2]!.callbackParams, customerId: 'c]1' } }, '200');
    wrong.cst_id = 'c]1';
    const res = await postReceipts(t(), [receiptFor(few.messages[0]!, '200'), receiptFor(few.messages[3]!, '200'), ...many.messages.map((m) => receiptFor(m, '200')), wrong]);
    const answer = res.json();
    expect(answer).toMatchObject({ code: 207, accepted: 42 });
    expect(answer.rejected).toEqual([{ index: 42, msg_id: wrong.msg_id, reason: expect.stringMatching(/customerId does not match/) }]);
    const stored = await receiptsOf(t(), webhook.id);
    expect(stored.map((r) => r.customer_id)).toEqual(expect.arrayContaining(tricky));
    expect(stored).toHaveLength(42);
  });

  it('stores a full report of 10,000 receipts', async () => {
    const webhook = await createReceiptWebhook(t());
    const { messages } = await seedDelivery(t(), webhook.id, { users: 10_000 });
    const res = await postReceipts(t(), messages.map((m) => receiptFor(m, '200')));
    expect(res.json()).toEqual({ code: 200, message: 'Success' });
    expect(await receiptsOf(t(), webhook.id)).toHaveLength(10_000);
    const statuses = await latestStatusesOf(t(), messages.map((m) => m.actionId));
    expect(statuses.filter((s) => s !== '200')).toEqual([]);
  });

  it('takes the reports of the receiver kit\'s reportReceipts over a real port', async () => {
    const webhook = await createReceiptWebhook(t());
    const { messages } = await seedDelivery(t(), webhook.id, { users: 5 });
    const address = await t().app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const receipts = messages.map((m, i) => receiptFor(m, i % 2 === 0 ? '200' : 'FAIL'));
      const result = await reportReceipts({ baseUrl: address, key: KEY, receipts, nowMs: t().clock.now(), batchSize: 2 });
      expect(result).toMatchObject({ ok: true, accepted: 5, code: 200, message: 'Success' });
      expect(result.responses).toHaveLength(3);
      expect(await receiptsOf(t(), webhook.id)).toHaveLength(5);
      const wrongKey = await reportReceipts({ baseUrl: address, key: 'not-the-key', receipts, nowMs: t().clock.now() });
      expect(wrongKey).toMatchObject({ ok: false, accepted: 0, status: 401, code: 401 });
    } finally {
      await t().app.server.close();
    }
  });
});
