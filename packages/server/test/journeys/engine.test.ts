import { expect, it } from 'vitest';
import { claimDueInstances } from '../../src/journeys/instance-store.js';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { dispatcher, isolateWebhooks, useScriptedReceiver } from '../delivery/support.js';
import { postReceipts } from '../receipts/support.js';
import { createJourneyWebhook, expectStatus, instanceRows, journeyRunner, journeySteps, MINUTE, nodeStats, publishedJourney, receiptOf, receivedMessages, seedAudience, someUsers } from './support.js';

const split = (percentA: number) => ({ id: 'ab', type: 'split', name: 'A/B', groups: [{ name: 'A', percent: percentA }, { name: 'B', percent: 100 - percentA }] });

describeEachDialect('Journeys: splits, timers across restarts, pause and resume', (dialect) => {
  const t = useTestApp(dialect);
  isolateWebhooks(t);
  const receiver = useScriptedReceiver('file');

  async function enter(journeyId: string, customerIds: string[]) {
    return expectStatus(await t().request('POST', `/api/v1/journeys/${journeyId}/entries`, { customerIds }), 200);
  }

  it('splits users in proportion, batches those arriving together and sends groupName in the document\'s form', async () => {
    receiver.requests.length = 0;
    const webhookId = await createJourneyWebhook(t(), receiver.url);
    const users = someUsers(400, 'sp');
    await seedAudience(t(), users);
    const journeyId = await publishedJourney(t(), {
      name: 'Split test',
      entry: { type: 'event' },
      nodes: [split(30), { id: 'send', type: 'webhook', name: 'Send', webhookId, idType: 'OPEN_ID', params: { coupon: 'C' } }, { id: 'done', type: 'end' }],
      edges: [{ from: 'ab', exit: 'A', to: 'send' }, { from: 'ab', exit: 'B', to: 'send' }, { from: 'send', to: 'done' }, { from: 'send', exit: 'noId', to: 'done' }],
    });
    expect((await enter(journeyId, users.map((u) => u.customerId))).entered).toHaveLength(400);
    await journeyRunner(t()).runOnce();
    await dispatcher(t()).runOnce();
    expect(receiver.requests.map((r) => (JSON.parse(r.body) as unknown[]).length)).toEqual([100, 100, 100, 100]);
    const names = receivedMessages(receiver).map((m) => m.process_info.groupName);
    const a = names.filter((n) => n === 'ab:A/B:30.00,A').length;
    expect(a + names.filter((n) => n === 'ab:A/B:70.00,B').length).toBe(400);
    // Binomial(400, 0.3): sd about 9.2; 5 sigma.
    expect(Math.abs(a - 120)).toBeLessThan(46);
    const stats = await nodeStats(t(), journeyId);
    expect(stats.ab.exits).toEqual({ A: a, B: 400 - a });
    const rows = await instanceRows(t(), journeyId);
    expect(rows.filter((r) => r.group_name.endsWith(',A')).length).toBe(a);
  });

  it('keeps wait timers through a runner that dies holding claims: nothing lost, nothing doubled', async () => {
    receiver.requests.length = 0;
    const webhookId = await createJourneyWebhook(t(), receiver.url);
    const users = someUsers(50, 'wt');
    await seedAudience(t(), users);
    const journeyId = await publishedJourney(t(), {
      name: 'Wait test',
      entry: { type: 'event' },
      nodes: [{ id: 'pause', type: 'wait', name: 'Half an hour', wait: { minutes: 30 } }, { id: 'send', type: 'webhook', name: 'Send', webhookId, idType: 'OPEN_ID', params: { coupon: 'C' } }, { id: 'done', type: 'end' }],
      edges: [{ from: 'pause', to: 'send' }, { from: 'send', to: 'done' }, { from: 'send', exit: 'noId', to: 'done' }],
    });
    await enter(journeyId, users.map((u) => u.customerId));
    await journeyRunner(t(), 'first').runOnce();
    expect((await instanceRows(t(), journeyId)).every((r) => r.node_id === 'pause' && r.phase === 'leave')).toBe(true);
    t().clock.advance(29 * MINUTE);
    expect((await journeyRunner(t(), 'second').runOnce()).advanced).toBe(0);
    t().clock.advance(MINUTE);
    // A runner claims 20 due instances and dies before writing anything.
    const now = t().clock.now();
    expect(await claimDueInstances(t().ctx.store, { owner: 'dead', now, leaseUntil: now + MINUTE, limit: 20 })).toHaveLength(20);
    const fresh = journeyRunner(t(), 'fresh');
    expect((await fresh.runOnce()).advanced).toBe(30);
    t().clock.advance(MINUTE);
    expect((await fresh.runOnce()).advanced).toBe(20);
    expect(await fresh.runOnce()).toEqual({ entered: 0, judged: 0, advanced: 0 });
    await dispatcher(t()).runOnce();
    const sent = receivedMessages(receiver).map((m) => m.user_profile.customer_id).sort();
    expect(sent).toEqual(users.map((u) => u.customerId));
    const stats = await nodeStats(t(), journeyId);
    expect(stats.pause).toMatchObject({ entered: 50, exits: { default: 50 } });
    expect(stats.send).toMatchObject({ entered: 50, exits: { default: 50 }, delivery: { enqueued: 50 } });
    expect(stats.done).toMatchObject({ entered: 50, waiting: 0 });
  });

  it('keeps judgment deadlines and judges each user once across fresh runners', async () => {
    receiver.requests.length = 0;
    const webhookId = await createJourneyWebhook(t(), receiver.url);
    const users = someUsers(20, 'jd');
    await seedAudience(t(), users);
    const journeyId = await publishedJourney(t(), {
      name: 'Judge restart',
      entry: { type: 'event', reentry: 'never' },
      nodes: [
        { id: 'send', type: 'webhook', name: 'Send', webhookId, idType: 'OPEN_ID', params: { coupon: 'C' } },
        { id: 'judge', type: 'judgment', name: 'Receipt?', wait: { minutes: 10 }, results: ['receipt:200', 'success'] },
        { id: 'done', type: 'end' },
      ],
      edges: [{ from: 'send', to: 'judge' }, { from: 'send', exit: 'noId', to: 'done' }, { from: 'judge', exit: 'receipt:200', to: 'done' }, { from: 'judge', exit: 'success', to: 'done' }, { from: 'judge', exit: 'other', to: 'done' }],
    });
    await enter(journeyId, users.map((u) => u.customerId));
    await journeyRunner(t(), 'a').runOnce();
    await dispatcher(t()).runOnce();
    const messages = receivedMessages(receiver);
    expect(messages).toHaveLength(20);
    // Sent successfully, but receipts are awaited: nobody is judged yet.
    expect((await journeyRunner(t(), 'b').runOnce()).judged).toBe(0);
    expectStatus(await postReceipts(t(), messages.slice(0, 8).map((m) => receiptOf(m, '200'))), 200);
    expect((await journeyRunner(t(), 'c').runOnce()).judged).toBe(8);
    t().clock.advance(10 * MINUTE);
    expect((await journeyRunner(t(), 'd').runOnce()).judged).toBe(12);
    expect(await journeyRunner(t(), 'e').runOnce()).toEqual({ entered: 0, judged: 0, advanced: 0 });
    const stats = await nodeStats(t(), journeyId);
    expect(stats.judge).toMatchObject({ entered: 20, waiting: 0, exits: { 'receipt:200': 8, success: 12 } });
    const steps = await journeySteps(t(), journeyId, 'judge');
    expect(new Set(steps.map((s) => s.instance_id)).size).toBe(20);
    expect(steps).toHaveLength(20);
    // Re-entry "never": the same users cannot come back.
    expect((await enter(journeyId, ['jd0000'])).skipped).toEqual([{ customerId: 'jd0000', reason: 'alreadyEntered' }]);
  });

  it('holds users in flight while paused, refuses entries, and moves them on after resume', async () => {
    const users = someUsers(5, 'ps');
    await seedAudience(t(), users);
    const journeyId = await publishedJourney(t(), {
      name: 'Pause test',
      entry: { type: 'event', reentry: 'afterExit' },
      nodes: [{ id: 'pause', type: 'wait', name: 'Ten minutes', wait: { minutes: 10 } }, { id: 'done', type: 'end' }],
      edges: [{ from: 'pause', to: 'done' }],
    });
    await enter(journeyId, users.map((u) => u.customerId));
    const runner = journeyRunner(t());
    await runner.runOnce();
    expect((await enter(journeyId, ['ps0000'])).skipped).toEqual([{ customerId: 'ps0000', reason: 'inJourney' }]);
    expect(expectStatus(await t().request('POST', `/api/v1/journeys/${journeyId}/pause`), 200).status).toBe('paused');
    const refused = expectStatus(await t().request('POST', `/api/v1/journeys/${journeyId}/entries`, { customerIds: ['ps0001'] }), 409);
    expect(refused.error.code).toBe('JOURNEY_ENTRY_CLOSED');
    t().clock.advance(11 * MINUTE);
    expect((await runner.runOnce()).advanced).toBe(0);
    expect((await instanceRows(t(), journeyId)).every((r) => r.status === 'active' && r.node_id === 'pause')).toBe(true);
    expect(expectStatus(await t().request('POST', `/api/v1/journeys/${journeyId}/resume`), 200).status).toBe('published');
    expect((await runner.runOnce()).advanced).toBe(5);
    expect((await instanceRows(t(), journeyId)).every((r) => r.status === 'exited' && r.node_id === 'done')).toBe(true);
    // Re-entry "afterExit": once out, a user may enter again.
    expect((await enter(journeyId, ['ps0000'])).entered).toHaveLength(1);
    expect(expectStatus(await t().request('POST', `/api/v1/journeys/${journeyId}/stop`), 200).status).toBe('stopped');
    expect((await instanceRows(t(), journeyId)).filter((r) => r.status === 'stopped').map((r) => r.customer_id)).toEqual(['ps0000']);
  });
});
