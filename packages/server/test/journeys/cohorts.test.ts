import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp, type TestApp } from '../support/test-app.js';
import { ENTRY_PAGE, EntryPages, enterAudiencePage } from '../../src/journeys/enter-audience.js';
import { inlinePageSource } from '../../src/tasks/page-source.js';
import { GraphCache } from '../../src/journeys/graph-cache.js';
import { dispatcher, isolateWebhooks, useScriptedReceiver } from '../delivery/support.js';
import { postReceipts } from '../receipts/support.js';
import { createJourneyWebhook, expectStatus, instanceRows, journeyRunner, MINUTE, nodeStats, publishedJourney, receiptOf, receivedMessages, seedAudience, someUsers } from './support.js';

/** An audience journey: send, judge on receipt 200 within `minutes`, every branch to an end (or `after` for "other"). */
function sendThenJudge(audienceId: string, webhookId: string, at: number, after: 'end' | 'wait' = 'end', results = ['receipt:200', 'failed']) {
  return {
    name: 'Cohorts',
    entry: { type: 'audience', audienceId, at: new Date(at).toISOString() },
    nodes: [
      { id: 'send', type: 'webhook', name: 'Send', webhookId, idType: 'OPEN_ID', params: { coupon: 'C' } },
      { id: 'judge', type: 'judgment', name: 'Receipt?', wait: { minutes: 60 }, results },
      { id: 'ok', type: 'end', name: 'Delivered' },
      { id: 'ko', type: 'end', name: 'Failed' },
      ...(after === 'wait' ? [{ id: 'pause', type: 'wait', name: 'Pause', wait: { minutes: 5 } }] : []),
      { id: 'late', type: 'end', name: 'Late' },
    ],
    edges: [
      { from: 'send', to: 'judge' }, { from: 'send', exit: 'noId', to: 'late' },
      ...results.map((exit) => ({ from: 'judge', exit, to: exit === 'receipt:200' ? 'ok' : 'ko' })),
      ...(after === 'wait' ? [{ from: 'judge', exit: 'other', to: 'pause' }, { from: 'pause', to: 'late' }] : [{ from: 'judge', exit: 'other', to: 'late' }]),
    ],
  };
}

async function cohortRows(t: TestApp, journeyId: string) {
  return t.ctx.store.db.selectFrom('journey_cohorts').selectAll().where('journey_id', '=', journeyId).execute();
}

async function instanceOf(t: TestApp, journeyId: string, customerId: string) {
  const page = expectStatus(await t.request('GET', `/api/v1/journeys/${journeyId}/instances?customerId=${customerId}`), 200);
  expect(page.total).toBe(1);
  return page.items[0];
}

describeEachDialect('Journeys: cohorts (users sent together who wait at a judgment whose every branch ends)', (dialect) => {
  const t = useTestApp(dialect);
  isolateWebhooks(t);
  const receiver = useScriptedReceiver('test');

  /** A published send-then-judge journey over `count` new users, entered and sent by a runner it returns. */
  async function startedJourney(prefix: string, count: number, after: 'end' | 'wait' = 'end', results?: string[]) {
    const webhookId = await createJourneyWebhook(t(), receiver.url);
    const audienceId = await seedAudience(t(), someUsers(count, prefix));
    const journeyId = await publishedJourney(t(), sendThenJudge(audienceId, webhookId, t().clock.now(), after, results));
    const runner = journeyRunner(t());
    const { entered } = await runner.runOnce();
    await dispatcher(t()).runOnce();
    return { webhookId, audienceId, journeyId, runner, entered };
  }

  it('enters an audience page by page under one runner\'s lease; another takes over only once it has run out', async () => {
    const webhookId = await createJourneyWebhook(t(), receiver.url);
    const audienceId = await seedAudience(t(), someUsers(ENTRY_PAGE * 2 + 10, 'le'));
    const journeyId = await publishedJourney(t(), sendThenJudge(audienceId, webhookId, t().clock.now()));
    const graphs = new GraphCache(t().ctx.store.db);
    const entryPages = new EntryPages(inlinePageSource(t().ctx.store.db, t().ctx.store.dialect));
    const work = (owner: string) => ({ ctx: t().ctx, now: t().clock.now(), owner, leaseMs: MINUTE, graphs, entryPages });
    const lease = async () => t().ctx.store.db.selectFrom('journeys').select(['entry_lease_owner', 'entry_lease_expires_at', 'audience_done']).where('id', '=', journeyId).executeTakeFirstOrThrow();
    expect(await enterAudiencePage(work('a'))).toBe(ENTRY_PAGE);
    const first = await lease();
    expect(first.entry_lease_owner).toBe('a');
    // Half the lease later, b is refused and a goes on under the same lease (not renewed while over half is left).
    t().clock.advance(MINUTE / 2 - 1);
    expect(await enterAudiencePage(work('b'))).toBe(0);
    expect(await enterAudiencePage(work('a'))).toBe(ENTRY_PAGE);
    expect(await lease()).toEqual(first);
    // a stops; once its lease has run out, b takes the entry over from a's cursor.
    t().clock.advance(MINUTE);
    expect(await enterAudiencePage(work('b'))).toBe(10);
    expect(await lease()).toMatchObject({ entry_lease_owner: null, audience_done: 1 });
    const entries = await t().ctx.store.db.selectFrom('journey_entries').select((eb) => eb.fn.countAll<number>().as('n')).where('journey_id', '=', journeyId).executeTakeFirstOrThrow();
    expect(Number(entries.n)).toBe(ENTRY_PAGE * 2 + 10);
    // Sent and stopped, so that the tests after this one find no batch or waiting member of it.
    await dispatcher(t()).runOnce();
    expectStatus(await t().request('POST', `/api/v1/journeys/${journeyId}/stop`), 200);
  });

  it('keeps them as one row per batch, and shows each as an instance with its path, counts and stop', async () => {
    const { journeyId, runner, entered } = await startedJourney('co', 4);
    expect(entered).toBe(4);
    const messages = receivedMessages(receiver);
    expect(messages).toHaveLength(4);

    // No instance rows: one cohort, its members waiting, each with the instance id it was sent with.
    expect(await t().ctx.store.db.selectFrom('journey_instances').select('id').where('journey_id', '=', journeyId).execute()).toEqual([]);
    const [cohort, ...more] = await cohortRows(t(), journeyId);
    expect(more).toEqual([]);
    expect(cohort).toMatchObject({ node_id: 'judge', pending: 4 });
    const first = messages.find((m) => m.user_profile.customer_id === 'co0000')!;
    const waiting = await instanceOf(t(), journeyId, 'co0000');
    expect(waiting).toMatchObject({ instanceId: first.process_info.processInstanceId, status: 'active', exitedAt: null });
    expect(waiting.waitingUntil).toBe(new Date(Number(cohort!.due_at)).toISOString());
    expect(waiting.path.map((p: { nodeId: string; exit: string | null }) => [p.nodeId, p.exit])).toEqual([['send', 'default'], ['judge', null]]);
    expect(waiting.path[0].visitId).toBe(first.process_info.processNodeInstanceId);
    expect((await nodeStats(t(), journeyId)).judge).toMatchObject({ entered: 4, waiting: 4, exits: {} });

    // Two receipts: those two are judged and end at "ok"; the cohort keeps the others.
    t().clock.advance(MINUTE);
    expectStatus(await postReceipts(t(), [receiptOf(first, '200'), receiptOf(messages.find((m) => m.user_profile.customer_id === 'co0001')!, '200')]), 200);
    expect((await runner.runOnce()).judged).toBe(2);
    const judged = await instanceOf(t(), journeyId, 'co0000');
    expect(judged).toMatchObject({ status: 'exited', exitedAt: new Date(t().clock.now()).toISOString() });
    expect(judged.path.map((p: { nodeId: string; exit: string | null }) => [p.nodeId, p.exit])).toEqual([['send', 'default'], ['judge', 'receipt:200'], ['ok', null]]);
    const stats = await nodeStats(t(), journeyId);
    expect(stats.judge).toMatchObject({ entered: 4, waiting: 2, exits: { 'receipt:200': 2 } });
    expect(stats.ok).toMatchObject({ entered: 2, waiting: 0 });
    expect((await cohortRows(t(), journeyId))[0]).toMatchObject({ pending: 2 });
    // Judged once: the same receipts looked at again change nothing.
    expect((await runner.runOnce()).judged).toBe(0);

    // Stop: the two still waiting are stopped at the judgment.
    expect(expectStatus(await t().request('POST', `/api/v1/journeys/${journeyId}/stop`), 200).status).toBe('stopped');
    expect(await instanceOf(t(), journeyId, 'co0003')).toMatchObject({ status: 'stopped', waitingUntil: null });
    const detail = expectStatus(await t().request('GET', `/api/v1/journeys/${journeyId}`), 200);
    expect(detail.stats.instances).toEqual({ total: 4, active: 0, exited: 2, stopped: 2 });
    const all = expectStatus(await t().request('GET', `/api/v1/journeys/${journeyId}/instances?pageSize=3`), 200);
    expect(all.total).toBe(4);
    expect(all.items).toHaveLength(3);
  });

  it('judges a member with two chosen receipts in one report at once, on the one last in the report', async () => {
    const { journeyId, runner } = await startedJourney('tw', 2, 'end', ['receipt:200', 'receipt:FAIL']);
    const [first, second] = receivedMessages(receiver).sort((a, b) => a.user_profile.customer_id.localeCompare(b.user_profile.customer_id));
    expectStatus(await postReceipts(t(), [receiptOf(first!, '200'), receiptOf(second!, '200'), receiptOf(second!, 'FAIL')]), 200);
    expect((await runner.runOnce()).judged).toBe(2);
    expect(await instanceOf(t(), journeyId, 'tw0000')).toMatchObject({ status: 'exited' });
    expect((await instanceOf(t(), journeyId, 'tw0001')).path.map((p: { nodeId: string; exit: string | null }) => [p.nodeId, p.exit])).toEqual([['send', 'default'], ['judge', 'receipt:FAIL'], ['ko', null]]);
    expect((await nodeStats(t(), journeyId)).judge).toMatchObject({ waiting: 0, exits: { 'receipt:200': 1, 'receipt:FAIL': 1 } });
  });

  it('judges a cohort "failed" when its batch fails, and its late members "other" at the deadline', async () => {
    receiver.script = (_request, index) => (index === 0 ? { status: 400, body: { code: 'BAD', message: 'refused' } } : { body: { code: 'OK', message: '' } });
    const { journeyId, runner, entered } = await startedJourney('fb', 150);
    expect(entered).toBe(150);
    expect((await cohortRows(t(), journeyId)).map((c) => c.pending).sort((a, b) => a - b)).toEqual([50, 100]);
    t().clock.advance(1000);
    // The refused batch decides its cohort at once; the other waits for receipts until the deadline.
    const failed = (await runner.runOnce()).judged;
    t().clock.advance(60 * MINUTE);
    const late = (await runner.runOnce()).judged;
    expect(failed + late).toBe(150);
    const rows = await instanceRows(t(), journeyId);
    const where = (node: string) => rows.filter((r) => r.node_id === node).length;
    expect([where('ko'), where('late')].sort((a, b) => a - b)).toEqual([50, 100]);
    expect(failed).toBe(where('ko'));
  });

  it('enters a user once even when a new version enters the audience again', async () => {
    const { webhookId, audienceId, journeyId, runner, entered } = await startedJourney('nv', 3);
    expect(entered).toBe(3);
    t().clock.advance(MINUTE);
    expectStatus(await t().request('PUT', `/api/v1/journeys/${journeyId}`, sendThenJudge(audienceId, webhookId, t().clock.now())), 200);
    expectStatus(await t().request('POST', `/api/v1/journeys/${journeyId}/publish`), 200);
    await runner.runOnce();
    // The new version's entry went through the audience (its users left out), not stuck on them.
    expect((await t().ctx.store.db.selectFrom('journeys').select('audience_done').where('id', '=', journeyId).executeTakeFirstOrThrow()).audience_done).toBe(1);
    expect(await instanceRows(t(), journeyId)).toHaveLength(3);
    await dispatcher(t()).runOnce();
    expect(receivedMessages(receiver)).toHaveLength(3);
  });

  it('gives users an instance each when the judgment has a branch that goes on', async () => {
    const { journeyId, entered } = await startedJourney('go', 3, 'wait');
    expect(entered).toBe(3);
    expect(await cohortRows(t(), journeyId)).toEqual([]);
    expect((await instanceRows(t(), journeyId)).map((r) => r.node_id)).toEqual(['judge', 'judge', 'judge']);
  });

  it('judges on resume the receipts that arrived while the journey was paused', async () => {
    const { journeyId, runner } = await startedJourney('pa', 2);
    expectStatus(await t().request('POST', `/api/v1/journeys/${journeyId}/pause`), 200);
    t().clock.advance(MINUTE);
    expectStatus(await postReceipts(t(), receivedMessages(receiver).map((m) => receiptOf(m, '200'))), 200);
    expect((await runner.runOnce()).judged).toBe(0);
    expectStatus(await t().request('POST', `/api/v1/journeys/${journeyId}/resume`), 200);
    expect((await runner.runOnce()).judged).toBe(2);
    expect((await nodeStats(t(), journeyId)).ok).toMatchObject({ entered: 2 });
  });

  it('refuses an event entry to a member still waiting, and to one judged when re-entry is "never"', async () => {
    const { webhookId, audienceId, journeyId, runner } = await startedJourney('ev', 2);
    const byEvents = (reentry: string) => ({ ...sendThenJudge(audienceId, webhookId, t().clock.now()), entry: { type: 'event', reentry } });
    expectStatus(await t().request('PUT', `/api/v1/journeys/${journeyId}`, byEvents('afterExit')), 200);
    expectStatus(await t().request('POST', `/api/v1/journeys/${journeyId}/publish`), 200);
    const enter = async () => expectStatus(await t().request('POST', `/api/v1/journeys/${journeyId}/entries`, { customerIds: ['ev0000'] }), 200);
    expect((await enter()).skipped).toEqual([{ customerId: 'ev0000', reason: 'inJourney' }]);

    // Judged (they left): "afterExit" lets them in again, as an instance; "never" would not have.
    const first = receivedMessages(receiver).find((m) => m.user_profile.customer_id === 'ev0000')!;
    t().clock.advance(MINUTE);
    expectStatus(await postReceipts(t(), [receiptOf(first, '200')]), 200);
    expect((await runner.runOnce()).judged).toBe(1);
    expectStatus(await t().request('PUT', `/api/v1/journeys/${journeyId}`, byEvents('never')), 200);
    expectStatus(await t().request('POST', `/api/v1/journeys/${journeyId}/publish`), 200);
    expect((await enter()).skipped).toEqual([{ customerId: 'ev0000', reason: 'alreadyEntered' }]);
    expectStatus(await t().request('PUT', `/api/v1/journeys/${journeyId}`, byEvents('afterExit')), 200);
    expectStatus(await t().request('POST', `/api/v1/journeys/${journeyId}/publish`), 200);
    expect((await enter()).entered).toHaveLength(1);
    const listed = expectStatus(await t().request('GET', `/api/v1/journeys/${journeyId}/instances?customerId=ev0000`), 200);
    expect(listed.items.map((i: { status: string }) => i.status).sort()).toEqual(['active', 'exited']);
  });

  it('two runners judging the same cohort at once judge and count each member once', async () => {
    const { journeyId } = await startedJourney('tw', 4);
    t().clock.advance(MINUTE);
    expectStatus(await postReceipts(t(), receivedMessages(receiver).map((m) => receiptOf(m, '200'))), 200);
    const [a, b] = await Promise.all([journeyRunner(t(), 'one').runOnce(), journeyRunner(t(), 'two').runOnce()]);
    expect(a.judged + b.judged).toBe(4);
    expect((await nodeStats(t(), journeyId)).judge).toMatchObject({ waiting: 0, exits: { 'receipt:200': 4 } });
    expect((await nodeStats(t(), journeyId)).ok).toMatchObject({ entered: 4 });
  });
});
