import { expect, it } from 'vitest';
import { enqueueBatches } from '../../src/delivery/enqueue.js';
import { HookreachError } from '../../src/errors.js';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp, type TestApp } from '../support/test-app.js';
import { batchRow, createWebhook, enqueue, bodyOf, deliveryUsers, isolateWebhooks, messageRows, users, WORKSPACE } from './support.js';

async function outboxCounts(t: TestApp) {
  const db = t.ctx.store.db;
  const count = async (table: 'delivery_batches' | 'delivery_messages') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return { batches: await count('delivery_batches'), messages: await count('delivery_messages') };
}

async function rejection(promise: Promise<unknown>): Promise<HookreachError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(HookreachError);
  return error as HookreachError;
}

describeEachDialect('enqueueBatches', (dialect) => {
  const t = useTestApp(dialect);
  isolateWebhooks(t);

  it('writes each batch body once, in the exact bytes every attempt will send', async () => {
    const webhookId = await createWebhook(t(), 'http://127.0.0.1:9/hook');
    const now = t().clock.now();
    const [batch] = await enqueueBatches(t().ctx, {
      workspaceId: WORKSPACE,
      webhookId,
      runKind: 'journey',
      journeyId: 'jr_1',
      nodeId: 'node-7',
      batches: [[
        {
          user_profile: { target_type: 'OPEN_ID', target_id: 'o1', customer_id: 'c1' },
          params: { coupon: 'C1', amount: 12.5 },
          // Only instanceId is the caller's; the engine owns the rest.
          callback_params: { instanceId: 'inst-1', batchId: 'forged', webhook_id: 'forged' },
          process_info: { processInstanceId: 'p1', groupName: 'n1:Split:0.50,A' },
        },
        { user_profile: { target_type: 'MOBILE', target_id: '13800000000', customer_id: 'c2' } },
      ]],
    });
    expect(batch!.batchId).toMatch(/^bat_[0-9a-z]{26}$/);
    expect(batch!.actionIds).toHaveLength(2);
    const [a0, a1] = batch!.actionIds as [string, string];
    expect(a0).toMatch(/^act_/);
    expect(a0).not.toBe(a1);

    const row = await batchRow(t(), batch!.batchId);
    const cb = (actionId: string, customerId: string, instanceId: string) =>
      `{"webhook_id":"${webhookId}","send_time":"${now}","nodeId":"node-7","instanceId":"${instanceId}","batchId":"${batch!.batchId}","actionId":"${actionId}","customerId":"${customerId}"}`;
    expect(await bodyOf(t(), batch!.batchId)).toBe(
      '[' +
        `{"user_profile":{"target_type":"OPEN_ID","target_id":"o1","customer_id":"c1"},"params":{"coupon":"C1","amount":"12.5"},"callback_params":${cb(a0, 'c1', 'inst-1')},` +
        '"process_info":{"processInstanceId":"p1","processInstanceStartTime":"","processNodeInstanceId":"","processNodeInstanceStartTime":"","groupName":"n1:Split:0.50,A"}},' +
        `{"user_profile":{"target_type":"MOBILE","target_id":"13800000000","customer_id":"c2"},"params":{},"callback_params":${cb(a1, 'c2', '')},` +
        '"process_info":{"processInstanceId":"","processInstanceStartTime":"","processNodeInstanceId":"","processNodeInstanceStartTime":"","groupName":""}}' +
        ']',
    );
    expect(row).toMatchObject({
      workspace_id: WORKSPACE,
      webhook_id: webhookId,
      run_kind: 'journey',
      task_id: null,
      journey_id: 'jr_1',
      node_id: 'node-7',
      user_count: 2,
      status: 'pending',
      attempts: 0,
      // The default schedule has 8 retries.
      max_attempts: 9,
      next_attempt_at: now,
      lease_owner: null,
      last_error: null,
      created_at: now,
      finished_at: null,
    });
    const messages = await messageRows(t(), batch!.batchId);
    expect(messages.map((m) => [m.action_id, m.customer_id, m.target_type, m.target_id]).sort()).toEqual(
      [[a0, 'c1', 'OPEN_ID', 'o1'], [a1, 'c2', 'MOBILE', '13800000000']].sort(),
    );
    expect((await deliveryUsers(t(), batch!.batchId)).map((u) => [u.status, u.sentAt])).toEqual([['pending', null], ['pending', null]]);
  });

  it('returns one batchId per batch and the actionIds in input order, and honours notBefore', async () => {
    const webhookId = await createWebhook(t(), 'http://127.0.0.1:9/hook');
    const later = t().clock.now() + 3_600_000;
    const result = await enqueue(t(), webhookId, [1, 100, 37], { notBefore: later });
    expect(result.map((b) => b.actionIds.length)).toEqual([1, 100, 37]);
    expect(new Set(result.map((b) => b.batchId)).size).toBe(3);
    const third = await batchRow(t(), result[2]!.batchId);
    expect(third.next_attempt_at).toBe(later);
    const body = JSON.parse(await bodyOf(t(), result[2]!.batchId)) as { callback_params: { actionId: string; customerId: string } }[];
    expect(body.map((u) => u.callback_params.actionId)).toEqual(result[2]!.actionIds);
    expect(body.map((u) => u.callback_params.customerId)).toEqual(users(37, 'b2').map((u) => u.user_profile.customer_id));
  });

  it('refuses batch sizes outside 1..100 and a task without taskId, listing every problem and writing nothing', async () => {
    const webhookId = await createWebhook(t(), 'http://127.0.0.1:9/hook');
    const before = await outboxCounts(t());
    const error = await rejection(
      enqueueBatches(t().ctx, { workspaceId: WORKSPACE, webhookId, runKind: 'task', batches: [users(2), [], users(101), users(100)] }),
    );
    expect(error.code).toBe('VALIDATION');
    expect(error.statusCode).toBe(400);
    expect(error.details).toEqual([
      { path: 'taskId', message: 'is required for a task' },
      { path: 'batches[1]', message: 'a batch holds 1 to 100 users, got 0' },
      { path: 'batches[2]', message: 'a batch holds 1 to 100 users, got 101' },
    ]);
    expect(await outboxCounts(t())).toEqual(before);
  });

  it('rolls back everything when a user holds a value that cannot be sent', async () => {
    const webhookId = await createWebhook(t(), 'http://127.0.0.1:9/hook');
    const before = await outboxCounts(t());
    const bad = users(3);
    bad[1] = { ...bad[1]!, params: { coupon: { nested: true } as never } };
    // 600 batches: the bad one is in the second insert chunk, after the first chunk was written.
    const batches = Array.from({ length: 600 }, () => users(2));
    batches[550] = bad;
    const error = await rejection(enqueueBatches(t().ctx, { workspaceId: WORKSPACE, webhookId, runKind: 'task', taskId: 't', batches }));
    expect(error.code).toBe('VALIDATION');
    expect(error.details).toEqual([{ path: 'batches[550][1]', message: 'cannot send a object as a webhook value' }]);
    expect(await outboxCounts(t())).toEqual(before);
  });

  it('answers NOT_FOUND for a webhook of another workspace or none', async () => {
    const webhookId = await createWebhook(t(), 'http://127.0.0.1:9/hook');
    for (const [workspaceId, id] of [['ws_other', webhookId], [WORKSPACE, 'wh_missing']] as const) {
      const error = await rejection(enqueueBatches(t().ctx, { workspaceId, webhookId: id, runKind: 'task', taskId: 't', batches: [users(1)] }));
      expect(error.code).toBe('NOT_FOUND');
    }
  });
});
