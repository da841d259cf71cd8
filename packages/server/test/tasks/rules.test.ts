import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { auditOf, HOUR } from '../access/support.js';
import { isolateWebhooks, scriptedReceiver, type ScriptedReceiver } from '../delivery/support.js';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { createTask, createTaskWebhook, dispatcher, expectStatus, runner, runToEnd, seedAudience, taskBody } from './support.js';

const MINUTE = 60_000;

describeEachDialect('Tasks: edit, delete and cancel rules', (dialect) => {
  const t = useTestApp(dialect);
  isolateWebhooks(t);
  let audience: string;
  let receiver: ScriptedReceiver;
  let webhook: string;
  beforeAll(async () => {
    audience = await seedAudience(t(), 200);
  });
  beforeEach(async () => {
    receiver = await scriptedReceiver();
    webhook = await createTaskWebhook(t(), receiver.url);
  });
  afterEach(async () => {
    await receiver.close();
  });

  const inMinutes = (minutes: number) => ({ type: 'at', at: new Date(t().clock.now() + minutes * MINUTE).toISOString() });

  it('edits a pending task until 10 minutes before its send time, then refuses', async () => {
    const task = await createTask(t(), taskBody(audience, webhook, { schedule: inMinutes(30) }));
    const edited = expectStatus(await t().request('PUT', `/api/v1/tasks/${task.id}`, taskBody(audience, webhook, { name: 'Renamed', batchSize: 10, schedule: task.schedule })), 200);
    expect(edited).toMatchObject({ name: 'Renamed', batchSize: 10, version: 2, editable: true });
    expect(await t().ctx.store.db.selectFrom('webhook_usages').select('owner_name').where('owner_id', '=', task.id).execute()).toEqual([{ owner_name: 'Renamed' }]);
    // A stale If-Match is refused.
    const stale = await t().app.inject({ method: 'PUT', url: `/api/v1/tasks/${task.id}`, headers: { authorization: 'Bearer hrk_test_admin_token_0123456789', 'if-match': '"1"' }, payload: taskBody(audience, webhook, { schedule: task.schedule }) });
    expect(stale.statusCode).toBe(412);
    t().clock.advance(20 * MINUTE); // exactly 10 minutes before: no longer editable
    const refused = expectStatus(await t().request('PUT', `/api/v1/tasks/${task.id}`, taskBody(audience, webhook, { schedule: task.schedule })), 409);
    expect(refused.error).toMatchObject({ code: 'TASK_NOT_EDITABLE', message: expect.stringContaining('less than 10 minutes') });
    const read = expectStatus(await t().request('GET', `/api/v1/tasks/${task.id}`), 200).task;
    expect(read).toMatchObject({ name: 'Renamed', editable: false, deletable: false });
    expect((await auditOf(t(), 'task', task.id)).map((e) => e.action)).toEqual(['create', 'update']);
  });

  it('never edits a task scheduled "now", nor one that has started', async () => {
    const now = await createTask(t(), taskBody(audience, webhook));
    const refused = expectStatus(await t().request('PUT', `/api/v1/tasks/${now.id}`, taskBody(audience, webhook, { schedule: inMinutes(60) })), 409);
    expect(refused.error).toMatchObject({ code: 'TASK_NOT_EDITABLE', message: expect.stringContaining('now') });
    await runToEnd(t(), now.id);
    const done = expectStatus(await t().request('PUT', `/api/v1/tasks/${now.id}`, taskBody(audience, webhook, { schedule: inMinutes(60) })), 409);
    expect(done.error.message).toContain('finished');
  });

  it('deletes a pending task more than 10 minutes ahead, refuses closer, sending or due ones, and deletes ended ones', async () => {
    const early = await createTask(t(), taskBody(audience, webhook, { schedule: inMinutes(60) }));
    expectStatus(await t().request('DELETE', `/api/v1/tasks/${early.id}`), 204);
    expectStatus(await t().request('GET', `/api/v1/tasks/${early.id}`), 404);
    expect((await auditOf(t(), 'task', early.id)).map((e) => e.action)).toEqual(['create', 'delete']);

    const close = await createTask(t(), taskBody(audience, webhook, { schedule: inMinutes(11) }));
    t().clock.advance(2 * MINUTE);
    expect(expectStatus(await t().request('DELETE', `/api/v1/tasks/${close.id}`), 409).error.code).toBe('TASK_NOT_DELETABLE');

    const sending = await createTask(t(), taskBody(audience, webhook));
    await runner(t()).runOnce();
    expect(expectStatus(await t().request('GET', `/api/v1/tasks/${sending.id}`), 200).task.status).toBe('sending');
    expect(expectStatus(await t().request('DELETE', `/api/v1/tasks/${sending.id}`), 409).error.message).toContain('cancel it first');
    await runToEnd(t(), sending.id);
    expectStatus(await t().request('DELETE', `/api/v1/tasks/${sending.id}`), 204);
  });

  it('cancel during sending stops further pages and cancels the batches not sent yet', async () => {
    const task = await createTask(t(), taskBody(audience, webhook, { batchSize: 10 }));
    const r = runner(t(), {
      pageSize: 50,
      afterPage: async (id, pages) => {
        if (pages === 1) expectStatus(await t().request('POST', `/api/v1/tasks/${id}/cancel`), 200);
      },
    });
    expect(await r.runOnce()).toMatchObject({ claimed: 1, pages: 1 });
    await dispatcher(t()).drain();
    expect(receiver.requests).toHaveLength(0);
    const details = expectStatus(await t().request('GET', `/api/v1/tasks/${task.id}`), 200);
    expect(details.task).toMatchObject({ status: 'cancelled', deletable: true, editable: false });
    expect(details.stats).toMatchObject({ read: 50, enqueued: 50, sent: 0, users: { cancelled: 50, pending: 0 }, batches: { total: 5, cancelled: 5 } });
    // A later round does not pick it up again.
    expect(await r.runOnce()).toMatchObject({ claimed: 0 });
    expect(expectStatus(await t().request('POST', `/api/v1/tasks/${task.id}/cancel`), 409).error.code).toBe('TASK_NOT_CANCELLABLE');
    const recipients = expectStatus(await t().request('GET', `/api/v1/tasks/${task.id}/recipients?status=cancelled&limit=1000`), 200);
    expect(recipients.items).toHaveLength(50);
    expect((await auditOf(t(), 'task', task.id)).map((e) => e.action)).toEqual(['create', 'cancel']);
  });

  it('cancels a pending scheduled task: it never runs', async () => {
    const task = await createTask(t(), taskBody(audience, webhook, { schedule: inMinutes(5) }));
    expect(expectStatus(await t().request('POST', `/api/v1/tasks/${task.id}/cancel`), 200).status).toBe('cancelled');
    t().clock.advance(HOUR);
    await runner(t()).runOnce();
    expect(expectStatus(await t().request('GET', `/api/v1/tasks/${task.id}`), 200)).toMatchObject({ task: { status: 'cancelled', startedAt: null }, stats: { batches: { total: 0 } } });
  });
});
