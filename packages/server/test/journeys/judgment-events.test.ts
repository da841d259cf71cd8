import { expect, it } from 'vitest';
import { SETTLE_MS } from '../../src/journeys/judge-results.js';
import { encodeEntries } from '../../src/receipts/receipt-entries.js';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp, type TestApp } from '../support/test-app.js';
import { dispatcher, isolateWebhooks, useScriptedReceiver } from '../delivery/support.js';
import { postReceipts } from '../receipts/support.js';
import { createJourneyWebhook, expectStatus, instanceRows, journeyRunner, journeySteps, MINUTE, nodeStats, publishedJourney, receiptOf, receivedMessages, seedAudience, someUsers } from './support.js';

/** Send, then a judgment on receipt 200 (or failed), each branch to its own end. */
function judgedJourney(webhookId: string, results: string[] = ['receipt:200']) {
  return {
    name: 'Judgment events',
    entry: { type: 'event', reentry: 'never' },
    nodes: [
      { id: 'send', type: 'webhook', name: 'Send', webhookId, idType: 'OPEN_ID', params: { coupon: 'C' } },
      { id: 'judge', type: 'judgment', name: 'Receipt?', wait: { minutes: 30 }, results },
      ...results.map((r, i) => ({ id: `end${i}`, type: 'end', name: r })),
      { id: 'late', type: 'end', name: 'Other' },
    ],
    edges: [
      { from: 'send', to: 'judge' },
      { from: 'send', exit: 'noId', to: 'late' },
      ...results.map((r, i) => ({ from: 'judge', exit: r, to: `end${i}` })),
      { from: 'judge', exit: 'other', to: 'late' },
    ],
  };
}

/** The judgment's steps (one per user judged) of a journey. */
async function judgeSteps(t: TestApp, journeyId: string) {
  return journeySteps(t, journeyId, 'judge');
}

describeEachDialect('Journeys: judgment driven by what changed', (dialect) => {
  const t = useTestApp(dialect);
  isolateWebhooks(t);
  const receiver = useScriptedReceiver('file');

  /** A published journey whose `count` users were entered and sent; returns its id and the messages sent. */
  async function sentJourney(prefix: string, count: number, results?: string[]) {
    receiver.requests.length = 0;
    const webhookId = await createJourneyWebhook(t(), receiver.url);
    const users = someUsers(count, prefix);
    await seedAudience(t(), users);
    const journeyId = await publishedJourney(t(), judgedJourney(webhookId, results));
    expectStatus(await t().request('POST', `/api/v1/journeys/${journeyId}/entries`, { customerIds: users.map((u) => u.customerId) }), 200);
    return { journeyId, webhookId };
  }

  it('judges receipts that arrive between rounds of one long-lived runner, each user exactly once', async () => {
    const { journeyId } = await sentJourney('ev', 6);
    const runner = journeyRunner(t());
    await runner.runOnce();
    await dispatcher(t()).runOnce();
    const messages = receivedMessages(receiver);
    expect(messages).toHaveLength(6);
    expect((await runner.runOnce()).judged).toBe(0);

    // Two reports between rounds, then one more after a round: each is judged by the next round.
    expectStatus(await postReceipts(t(), [receiptOf(messages[0]!, '200')]), 200);
    t().clock.advance(1000);
    expectStatus(await postReceipts(t(), [receiptOf(messages[1]!, '200'), receiptOf(messages[2]!, 'FAIL')]), 200);
    expect((await runner.runOnce()).judged).toBe(2);
    expectStatus(await postReceipts(t(), [receiptOf(messages[3]!, '200'), receiptOf(messages[0]!, '200')]), 200);
    expect((await runner.runOnce()).judged).toBe(1);

    // Later looks (the second look at each window, deadlines) judge nobody twice.
    t().clock.advance(SETTLE_MS + 1000);
    expect((await runner.runOnce()).judged).toBe(0);
    t().clock.advance(30 * MINUTE);
    expect((await runner.runOnce()).judged).toBe(3);
    const steps = await judgeSteps(t(), journeyId);
    expect(steps).toHaveLength(6);
    expect(new Set(steps.map((s) => s.instance_id)).size).toBe(6);
    expect(steps.filter((s) => s.exit === 'receipt:200')).toHaveLength(3);
    expect((await nodeStats(t(), journeyId)).judge).toMatchObject({ entered: 6, waiting: 0, exits: { 'receipt:200': 3, other: 3 } });
  });

  it('judges a user with several chosen receipts in one look on the newest, by time and then by place in its report', async () => {
    const { journeyId } = await sentJourney('nw', 2, ['receipt:200', 'receipt:FAIL']);
    const runner = journeyRunner(t());
    await runner.runOnce();
    await dispatcher(t()).runOnce();
    const [first, second] = receivedMessages(receiver).sort((a, b) => a.user_profile.customer_id.localeCompare(b.user_profile.customer_id));
    // The first user: FAIL, then 200 a second later. The second: 200 and FAIL in one report (FAIL last).
    expectStatus(await postReceipts(t(), [receiptOf(first!, 'FAIL')]), 200);
    t().clock.advance(1000);
    expectStatus(await postReceipts(t(), [receiptOf(first!, '200')]), 200);
    expectStatus(await postReceipts(t(), [receiptOf(second!, '200'), receiptOf(second!, 'FAIL')]), 200);
    expect((await runner.runOnce()).judged).toBe(2);
    const customers = new Map((await instanceRows(t(), journeyId)).map((row) => [row.id, row.customer_id]));
    const exits = new Map((await judgeSteps(t(), journeyId)).map((step) => [customers.get(step.instance_id), step.exit]));
    expect(exits).toEqual(new Map([[first!.user_profile.customer_id, 'receipt:200'], [second!.user_profile.customer_id, 'receipt:FAIL']]));
  });

  it('still judges a receipt that commits after the runner looked past its time, one settle window later', async () => {
    const { journeyId } = await sentJourney('lc', 2);
    const runner = journeyRunner(t());
    await runner.runOnce();
    await dispatcher(t()).runOnce();
    const messages = receivedMessages(receiver);
    expectStatus(await postReceipts(t(), [receiptOf(messages[0]!, '200')]), 200);
    expect((await runner.runOnce()).judged).toBe(1);

    // A report timestamped before that look whose transaction commits only now (as a slow request's would).
    const late = (await instanceRows(t(), journeyId)).find((r) => r.customer_id === messages[1]!.user_profile.customer_id)!;
    await t().ctx.store.db
      .insertInto('batch_receipts')
      .values({
        batch_id: late.last_batch_id!, received_at: t().clock.now() - 2000, report: 'late-commit', for_journey: 1,
        entries: encodeEntries([late.last_action_id!, 'late-commit', '200', '0']),
      })
      .execute();
    expect((await runner.runOnce()).judged).toBe(0);
    t().clock.advance(SETTLE_MS);
    expect((await runner.runOnce()).judged).toBe(1);
    const steps = await judgeSteps(t(), journeyId);
    expect(steps.map((s) => s.exit)).toEqual(['receipt:200', 'receipt:200']);
  });

  it('judges users whose batch failed as soon as it is recorded, before their deadline', async () => {
    const { journeyId } = await sentJourney('bf', 3, ['receipt:200', 'failed']);
    const runner = journeyRunner(t());
    await runner.runOnce();
    receiver.script = () => ({ status: 400, body: { code: 'BAD', message: 'refused' } });
    try {
      await dispatcher(t()).runOnce();
    } finally {
      receiver.script = () => ({ body: { code: 'OK', message: '' } });
    }
    expect((await runner.runOnce()).judged).toBe(3);
    expect((await instanceRows(t(), journeyId)).map((r) => r.node_id)).toEqual(['end1', 'end1', 'end1']);
  });

  it('two runners looking at the same receipts at once judge each user once', async () => {
    const { journeyId } = await sentJourney('tw', 40);
    const a = journeyRunner(t(), 'twin-a');
    const b = journeyRunner(t(), 'twin-b');
    await a.runOnce();
    await b.runOnce();
    await dispatcher(t()).runOnce();
    expectStatus(await postReceipts(t(), receivedMessages(receiver).map((m) => receiptOf(m, '200'))), 200);
    const [ra, rb] = await Promise.all([a.runOnce(), b.runOnce()]);
    expect(ra.judged + rb.judged).toBe(40);
    const steps = await judgeSteps(t(), journeyId);
    expect(steps).toHaveLength(40);
    expect(new Set(steps.map((s) => s.instance_id)).size).toBe(40);
  });

  it('sends entering audience users in the entry itself, and nobody twice when the entry starts over', async () => {
    receiver.requests.length = 0;
    const webhookId = await createJourneyWebhook(t(), receiver.url);
    const audienceId = await seedAudience(t(), someUsers(7, 'au'));
    const body = (at: number) => ({ ...judgedJourney(webhookId), entry: { type: 'audience', audienceId, at: new Date(at).toISOString() } });
    const journeyId = await publishedJourney(t(), body(t().clock.now()));
    const runner = journeyRunner(t());
    expect(await runner.runOnce()).toMatchObject({ entered: 7, advanced: 0 });
    expect((await instanceRows(t(), journeyId)).every((r) => r.node_id === 'judge' && r.phase === 'judge' && r.last_action_id !== null)).toBe(true);

    // A new version entering the same audience a minute later starts the entry over: all refused.
    expectStatus(await t().request('PUT', `/api/v1/journeys/${journeyId}`, body(t().clock.now() + MINUTE)), 200);
    expectStatus(await t().request('POST', `/api/v1/journeys/${journeyId}/publish`), 200);
    t().clock.advance(MINUTE);
    expect((await runner.runOnce()).entered).toBe(7);
    await dispatcher(t()).runOnce();
    expect(receivedMessages(receiver)).toHaveLength(7);
    expect(await instanceRows(t(), journeyId)).toHaveLength(7);
    expect((await nodeStats(t(), journeyId)).send).toMatchObject({ entered: 7, exits: { default: 7 }, delivery: { enqueued: 7 } });
  });

  /** A journey that entered and sent `count` users, then paused; with the runner that did it. */
  async function sentAndPaused(prefix: string, count: number) {
    const { journeyId } = await sentJourney(prefix, count);
    const runner = journeyRunner(t());
    await runner.runOnce();
    await dispatcher(t()).runOnce();
    expectStatus(await t().request('POST', `/api/v1/journeys/${journeyId}/pause`), 200);
    return { journeyId, runner };
  }

  it('judges on resume the receipts that arrived while the journey was paused', async () => {
    const { journeyId, runner } = await sentAndPaused('pr', 4);
    expectStatus(await postReceipts(t(), receivedMessages(receiver).map((m) => receiptOf(m, '200'))), 200);
    expect((await runner.runOnce()).judged).toBe(0);
    // Long past the second look at those receipts: only the sweep on resume can find them now.
    t().clock.advance(SETTLE_MS * 3);
    expect((await runner.runOnce()).judged).toBe(0);
    expectStatus(await t().request('POST', `/api/v1/journeys/${journeyId}/resume`), 200);
    expect((await runner.runOnce()).judged).toBe(4);
    expect((await nodeStats(t(), journeyId)).judge).toMatchObject({ waiting: 0, exits: { 'receipt:200': 4 } });
  });

  it('judges on resume only the users whose own receipt has a chosen status, not their batch-mates\'', async () => {
    const { journeyId, runner } = await sentAndPaused('pm', 4);
    // One batch: two users report the chosen 200, two FAIL (a status no branch chose).
    expectStatus(await postReceipts(t(), receivedMessages(receiver).map((m, i) => receiptOf(m, i < 2 ? '200' : 'FAIL'))), 200);
    t().clock.advance(SETTLE_MS * 3);
    expect((await runner.runOnce()).judged).toBe(0);
    expectStatus(await t().request('POST', `/api/v1/journeys/${journeyId}/resume`), 200);
    expect((await runner.runOnce()).judged).toBe(2);
    expect((await nodeStats(t(), journeyId)).judge).toMatchObject({ waiting: 2, exits: { 'receipt:200': 2 } });
  });
});
