import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { dispatcher, isolateWebhooks, useScriptedReceiver } from '../delivery/support.js';
import { postReceipts } from '../receipts/support.js';
import { createJourneyWebhook, expectStatus, instanceRows, journeyRunner, MINUTE, nodeStats, publishedJourney, receiptOf, receivedMessages, seedAudience } from './support.js';

describeEachDialect('Journeys: send, wait for receipts, branch by receipt status', (dialect) => {
  const t = useTestApp(dialect);
  isolateWebhooks(t);
  const receiver = useScriptedReceiver('file');

  it('sends at the audience time with process_info, branches each user by receipt status, and sends late users to "other"', async () => {
    const webhookId = await createJourneyWebhook(t(), receiver.url);
    const users = ['u1', 'u2', 'u3', 'u4', 'u5'].map((c, i) => ({ customerId: c, ids: { OPEN_ID: `open-${c}` }, attributes: { name: `Name ${i + 1}` } }));
    const audienceId = await seedAudience(t(), [...users, { customerId: 'u6', ids: { MOBILE: '138' }, attributes: { name: 'No open id' } }]);
    const startAt = t().clock.now() + 60 * MINUTE;
    const journeyId = await publishedJourney(t(), {
      name: 'Welcome coupon',
      entry: { type: 'audience', audienceId, at: new Date(startAt).toISOString() },
      nodes: [
        { id: 'send', type: 'webhook', name: 'Send coupon', webhookId, idType: 'OPEN_ID', params: { coupon: 'Hello ${name}' }, missingVariable: 'skip' },
        { id: 'judge', type: 'judgment', name: 'Receipt?', wait: { minutes: 60 }, results: ['receipt:200', 'receipt:FAIL'] },
        { id: 'ok', type: 'end', name: 'Delivered' },
        { id: 'ko', type: 'end', name: 'Refused' },
        { id: 'late', type: 'end', name: 'No answer' },
        { id: 'noid', type: 'end', name: 'No ID' },
      ],
      edges: [
        { from: 'send', to: 'judge' }, { from: 'send', exit: 'noId', to: 'noid' },
        { from: 'judge', exit: 'receipt:200', to: 'ok' }, { from: 'judge', exit: 'receipt:FAIL', to: 'ko' }, { from: 'judge', exit: 'other', to: 'late' },
      ],
    });
    const runner = journeyRunner(t());
    const d = dispatcher(t());

    expect(await runner.runOnce()).toEqual({ entered: 0, judged: 0, advanced: 0 });
    t().clock.advance(60 * MINUTE);
    const first = await runner.runOnce();
    expect(first.entered).toBe(6);
    await d.runOnce();
    const messages = receivedMessages(receiver);
    expect(receiver.requests).toHaveLength(1);
    expect(messages.map((m) => m.user_profile.customer_id).sort()).toEqual(['u1', 'u2', 'u3', 'u4', 'u5']);

    const rows = await instanceRows(t(), journeyId);
    const u1 = messages.find((m) => m.user_profile.customer_id === 'u1')!;
    const u1Row = rows.find((r) => r.customer_id === 'u1')!;
    expect(u1.params).toEqual({ coupon: 'Hello Name 1' });
    expect(u1.callback_params.nodeId).toBe('send');
    expect(u1.callback_params.instanceId).toBe(u1Row.id);
    expect(u1.process_info).toEqual({
      processInstanceId: u1Row.id,
      processInstanceStartTime: String(startAt),
      processNodeInstanceId: expect.stringMatching(/^jnv_/),
      processNodeInstanceStartTime: String(startAt),
      groupName: '',
    });
    expect(new Set(messages.map((m) => m.process_info.processNodeInstanceId)).size).toBe(5);
    expect(rows.find((r) => r.customer_id === 'u6')).toMatchObject({ status: 'exited', node_id: 'noid' });

    // Receipts arrive for three users: they are judged at once, before any deadline.
    t().clock.advance(5 * MINUTE);
    const byCustomer = new Map(messages.map((m) => [m.user_profile.customer_id, m]));
    const report = [receiptOf(byCustomer.get('u1')!, '200'), receiptOf(byCustomer.get('u2')!, '200'), receiptOf(byCustomer.get('u3')!, 'FAIL')];
    expectStatus(await postReceipts(t(), report), 200);
    expect((await runner.runOnce()).judged).toBe(3);
    let after = await instanceRows(t(), journeyId);
    expect(Object.fromEntries(after.map((r) => [r.customer_id, r.node_id]))).toEqual({ u1: 'ok', u2: 'ok', u3: 'ko', u4: 'judge', u5: 'judge', u6: 'noid' });

    // Nothing more happens before the wait ends; then the late users go to "other".
    t().clock.advance(54 * MINUTE);
    expect((await runner.runOnce()).judged).toBe(0);
    t().clock.advance(MINUTE);
    expect((await runner.runOnce()).judged).toBe(2);
    after = await instanceRows(t(), journeyId);
    expect(after.filter((r) => r.node_id === 'late').map((r) => r.customer_id)).toEqual(['u4', 'u5']);
    expect(after.every((r) => r.status === 'exited')).toBe(true);

    // A receipt arriving after the judgment changes nothing.
    expectStatus(await postReceipts(t(), [receiptOf(byCustomer.get('u4')!, '200')]), 200);
    expect(await runner.runOnce()).toEqual({ entered: 0, judged: 0, advanced: 0 });

    const stats = await nodeStats(t(), journeyId);
    expect(stats.send).toMatchObject({ entered: 6, waiting: 0, exits: { default: 5, noId: 1 }, delivery: { enqueued: 5, sent: 5, succeeded: 5, failed: 0, pending: 0 } });
    expect(stats.send.receipts).toEqual([{ status: '200', value: 'Success', users: 3 }, { status: 'FAIL', value: 'Failed', users: 1 }]);
    expect(stats.judge).toMatchObject({ entered: 5, waiting: 0, exits: { 'receipt:200': 2, 'receipt:FAIL': 1, other: 2 } });
    expect(stats.ok).toMatchObject({ entered: 2 });
    expect(stats.late).toMatchObject({ entered: 2 });

    const path = expectStatus(await t().request('GET', `/api/v1/journeys/${journeyId}/instances?customerId=u3`), 200);
    expect(path.total).toBe(1);
    expect(path.items[0]).toMatchObject({ customerId: 'u3', status: 'exited', version: 1 });
    expect(path.items[0].path.map((s: { nodeId: string; exit: string | null }) => [s.nodeId, s.exit])).toEqual([['send', 'default'], ['judge', 'receipt:FAIL'], ['ko', null]]);
    expect(path.items[0].path[1].enteredAt).toBe(new Date(startAt).toISOString());
    expect(path.items[0].path[1].leftAt).toBe(new Date(startAt + 5 * MINUTE).toISOString());
  });
});
