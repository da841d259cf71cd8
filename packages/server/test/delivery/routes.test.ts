import { afterAll, beforeAll, expect, it } from 'vitest';
import { enqueueBatches } from '../../src/delivery/enqueue.js';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp, type TestApp } from '../support/test-app.js';
import { addMember, MEMBER_TOKEN } from '../webhooks/support.js';
import { batchRow, createWebhook, dispatcher, enqueue, KEY, scriptedReceiver, SHORT_SCHEDULE, users, WORKSPACE, type ScriptedReceiver } from './support.js';

describeEachDialect('Deliveries API', (dialect) => {
  const t = useTestApp(dialect, SHORT_SCHEDULE);
  let receiver: ScriptedReceiver;
  let hookA: string;
  let hookB: string;
  let taskBatches: string[];
  let journeyBatches: string[];

  const list = async (query: string) => {
    const res = await t().request('GET', `/api/v1/deliveries${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { items: { id: string; status: string }[]; total: number; page: number; pageSize: number };
  };

  beforeAll(async () => {
    receiver = await scriptedReceiver((request) => (request.body.includes('"fail-me"') ? { status: 400, body: { code: 'BAD_USER' } } : { body: { code: 'OK' } }));
    hookA = await createWebhook(t(), receiver.url);
    hookB = await createWebhook(t(), receiver.url);
    taskBatches = (await enqueue(t(), hookA, [2, 3, 1])).map((b) => b.batchId);
    t().clock.advance(1000);
    journeyBatches = (
      await enqueueBatches(t().ctx, {
        workspaceId: WORKSPACE,
        webhookId: hookB,
        runKind: 'journey',
        journeyId: 'jr_1',
        nodeId: 'node-1',
        batches: [users(1), [{ user_profile: { target_type: 'EMAIL', target_id: 'x@example.com', customer_id: 'fail-me' } }]],
      })
    ).map((b) => b.batchId);
    // Everything is sent: the task's batches and the first journey batch succeed, the second is refused (final).
    await dispatcher(t()).drain();
    t().clock.advance(1000);
    await addMember(t());
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('lists batches newest first, filtered by webhook, task, journey and status, with pages', async () => {
    const all = await list('');
    expect(all.total).toBe(5);
    expect(all.items.slice(0, 2).map((i) => i.id).sort()).toEqual([...journeyBatches].sort());
    const byTask = await list('?taskId=task_1');
    expect(byTask.items.map((i) => i.id).sort()).toEqual([...taskBatches].sort());
    expect((await list(`?webhookId=${hookB}`)).items.map((i) => i.id).sort()).toEqual([...journeyBatches].sort());
    const failed = await list('?journeyId=jr_1&status=failed');
    expect(failed.items.map((i) => i.id)).toEqual([journeyBatches[1]]);
    expect((await list('?status=pending')).total).toBe(0);
    const page2 = await list('?pageSize=2&page=2');
    expect(page2).toMatchObject({ total: 5, page: 2, pageSize: 2 });
    expect(page2.items).toHaveLength(2);
    const first = all.items.find((i) => i.id === journeyBatches[1]);
    expect(first).toMatchObject({
      webhookId: hookB,
      runKind: 'journey',
      taskId: null,
      journeyId: 'jr_1',
      nodeId: 'node-1',
      userCount: 1,
      status: 'failed',
      attempts: 1,
      maxAttempts: 4,
      nextAttemptAt: null,
      lastError: { httpStatus: 400, code: 'BAD_USER', error: 'HTTP status 400 is not 2xx' },
    });
    expect(Object.keys(first!).sort()).toEqual(
      ['attempts', 'createdAt', 'finishedAt', 'id', 'journeyId', 'lastError', 'maxAttempts', 'nextAttemptAt', 'nodeId', 'runKind', 'status', 'taskId', 'updatedAt', 'userCount', 'webhookId'].sort(),
    );
  });

  it('reads one batch with its attempts and every user\'s status, and never a key or the body', async () => {
    const res = await t().request('GET', `/api/v1/deliveries/${taskBatches[1]}`);
    expect(res.statusCode, res.body).toBe(200);
    const detail = res.json();
    expect(detail.batch).toMatchObject({ id: taskBatches[1], status: 'succeeded', userCount: 3, attempts: 1, lastError: null });
    expect(detail.attempts).toEqual([
      expect.objectContaining({ attempt: 1, success: true, retryable: false, httpStatus: 200, code: 'OK', message: null, error: null }),
    ]);
    expect(detail.users).toHaveLength(3);
    expect(detail.users[0]).toEqual({
      actionId: expect.stringMatching(/^act_/),
      customerId: expect.stringMatching(/^b1-\d$/),
      targetType: 'OPEN_ID',
      targetId: expect.stringMatching(/^b1-open-\d$/),
      status: 'succeeded',
      sentAt: expect.any(String),
      receiptStatus: null,
      receiptAt: null,
    });
    expect(res.body).not.toContain(KEY);
    expect(res.body).not.toContain('user_profile');
  });

  it('re-sends only failed or cancelled batches: 409 otherwise, 404 for an unknown one, nothing changed', async () => {
    const succeeded = await batchRow(t(), taskBatches[0]!);
    const conflict = await t().request('POST', `/api/v1/deliveries/${taskBatches[0]}/retry`);
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().error).toEqual({ code: 'DELIVERY_NOT_RETRYABLE', message: 'Only a failed or cancelled delivery can be re-sent; this one is succeeded' });
    expect(await batchRow(t(), taskBatches[0]!)).toEqual(succeeded);

    const missing = await t().request('POST', '/api/v1/deliveries/bat_nope/retry');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');

    await t().ctx.store.db.updateTable('delivery_batches').set({ status: 'cancelled' }).where('id', '=', taskBatches[2]!).execute();
    const cancelled = await t().request('POST', `/api/v1/deliveries/${taskBatches[2]}/retry`);
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: new Date(t().clock.now()).toISOString() });
    expect(await dispatcher(t()).drain()).toBe(1);
    expect((await batchRow(t(), taskBatches[2]!)).status).toBe('succeeded');
  });

  it('hides other workspaces\' batches', async () => {
    const other = await otherWorkspaceBatch(t());
    for (const [method, url] of [['GET', `/api/v1/deliveries/${other}`], ['POST', `/api/v1/deliveries/${other}/retry`]] as const) {
      const res = await t().request(method, url);
      expect(res.statusCode).toBe(404);
    }
    expect((await list('')).items.map((i) => i.id)).not.toContain(other);
    expect((await batchRow(t(), other)).status).toBe('failed');
  });

  it('is for administrators only', async () => {
    for (const [method, url] of [['GET', '/api/v1/deliveries'], ['GET', `/api/v1/deliveries/${taskBatches[0]}`], ['POST', `/api/v1/deliveries/${journeyBatches[1]}/retry`]] as const) {
      const res = await t().request(method, url, undefined, MEMBER_TOKEN);
      expect(res.statusCode, url).toBe(403);
      expect(res.json().error.code).toBe('ADMIN_REQUIRED');
    }
    expect((await batchRow(t(), journeyBatches[1]!)).status).toBe('failed');
  });

  it('refuses bad filters and ids with 400', async () => {
    for (const url of ['/api/v1/deliveries?status=lost', '/api/v1/deliveries?pageSize=0', '/api/v1/deliveries?webhookId=a%20b', '/api/v1/deliveries/a%00b']) {
      const res = await t().request('GET', url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION');
    }
  });
});

/** A failed batch of a second workspace, written directly (the API has one workspace). */
async function otherWorkspaceBatch(t: TestApp): Promise<string> {
  const db = t.ctx.store.db;
  const now = t.clock.now();
  await db.insertInto('workspaces').values({ id: 'ws_other', name: 'Other', created_at: now }).execute();
  await db
    .insertInto('webhooks')
    .values({
      id: 'wh_other', workspace_id: 'ws_other', name: 'Other', auth_method: 'none', key_sealed: null, url: 'http://127.0.0.1:9/', id_types: '["OPEN_ID"]',
      pass_environment: 0, receipt_enabled: 0, receipt_retention_hours: 72, enabled: 0, latest_test: null, timeout_ms: 10_000, max_concurrency: 8,
      max_per_second: 0, version: 1, created_at: now, updated_at: now,
    })
    .execute();
  const [batch] = await enqueueBatches(t.ctx, { workspaceId: 'ws_other', webhookId: 'wh_other', runKind: 'task', taskId: 'task_other', batches: [users(1)] });
  await db.updateTable('delivery_batches').set({ status: 'failed' }).where('id', '=', batch!.batchId).execute();
  return batch!.batchId;
}
