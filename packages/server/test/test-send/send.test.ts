import { startReceiver } from '@hookreach/receiver-kit';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { closedPort, createWebhook, KEY, memberToken, startRecorder, storedState, testSend } from './support.js';

const NOW = Date.UTC(2026, 11, 1, 1, 0, 0, 250);

describeEachDialect('Test send: delivery', (dialect) => {
  const t = useTestApp(dialect);
  let keyed: Awaited<ReturnType<typeof startRecorder>>;
  let open: Awaited<ReturnType<typeof startRecorder>>;

  beforeAll(async () => {
    keyed = await startRecorder(KEY);
    open = await startRecorder(null);
  });
  afterAll(async () => {
    await keyed?.close();
    await open?.close();
  });
  beforeEach(() => {
    keyed.requests.length = 0;
    open.requests.length = 0;
    t().clock.set(NOW);
  });

  it('sends one signed request with the exact body and answers the result', async () => {
    const webhook = await createWebhook(t(), {
      url: keyed.url('/ok?tenant=7'),
      parameters: [
        { name: 'coupon', displayName: 'Coupon', type: 'string', required: true },
        { name: 'amount', displayName: 'Amount', type: 'numeric' },
      ],
    });
    t().clock.set(NOW);
    const res = await testSend(t(), webhook.id, { idType: 'OPEN_ID', targetId: '1917810', params: { amount: 12.5, coupon: 'C42' } });
    expect(res.statusCode, res.body).toBe(201);
    const result = res.json();
    expect(result).toMatchObject({ success: true, httpStatus: 200, code: 'OK', message: 'queued for 1917810', error: null, idType: 'OPEN_ID', targetId: '1917810', createdAt: new Date(NOW).toISOString() });
    expect(result.id).toMatch(/^ts_[0-9a-z]{26}$/);
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(res.headers.location).toBe(`/api/v1/webhooks/${webhook.id}/test-sends/${result.id}`);

    expect(keyed.requests).toHaveLength(1);
    const received = keyed.requests[0]!;
    expect(received.method).toBe('POST');
    const nonce = received.query.get('nonce')!;
    expect(nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(received.url).toBe(`/ok?tenant=7&timestamp=${Math.floor(NOW / 1000)}&nonce=${nonce}`);
    expect(received.signatureValid).toBe(true);
    expect(received.headers['content-type']).toBe('application/json');
    expect(Object.keys(received.headers).filter((h) => h.startsWith('x-qa-'))).toEqual(['x-qa-hmac-signature']);

    const actionId = JSON.parse(received.body.toString('utf8'))[0].callback_params.actionId as string;
    expect(actionId).toMatch(/^act_[0-9a-z]{26}$/);
    const expected = JSON.stringify([
      {
        user_profile: { target_type: 'OPEN_ID', target_id: '1917810', customer_id: '1917810' },
        params: { coupon: 'C42', amount: '12.5' },
        callback_params: { webhook_id: webhook.id, send_time: String(NOW), nodeId: '', instanceId: '', batchId: result.id, actionId, customerId: '1917810' },
        process_info: { processInstanceId: '', processInstanceStartTime: '', processNodeInstanceId: '', processNodeInstanceStartTime: '', groupName: '' },
      },
    ]);
    expect(received.body.equals(Buffer.from(expected, 'utf8'))).toBe(true);
    expect(res.body).not.toContain(KEY);
  });

  it('sends an empty signature without authentication, and the environment headers when passEnvironment is on', async () => {
    const webhook = await createWebhook(t(), { authMethod: 'none', key: undefined, url: open.url('/ok'), passEnvironment: true });
    const res = await testSend(t(), webhook.id, { idType: 'MOBILE', targetId: '13800000000', customerId: 'cust-7' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().success).toBe(true);
    const received = open.requests[0]!;
    expect(received.headers['x-qa-hmac-signature']).toBe('');
    expect(received.signatureValid).toBe(true);
    expect(received.headers['x-qa-workspace-id']).toBe('ws_default');
    expect(received.headers['x-qa-run-kind']).toBe('test');
    expect(received.headers['x-qa-webhook-id']).toBe(webhook.id);
    expect(received.headers).not.toHaveProperty('x-qa-task-id');
    expect(received.headers).not.toHaveProperty('x-qa-journey-id');
    const [user] = JSON.parse(received.body.toString('utf8'));
    expect(user.user_profile).toEqual({ target_type: 'MOBILE', target_id: '13800000000', customer_id: 'cust-7' });
    expect(user.callback_params.customerId).toBe('cust-7');
    expect(user.params).toEqual({});
  });

  it('passes the reference receiver of the integrator kit', async () => {
    const receiver = await startReceiver({ key: KEY });
    try {
      const webhook = await createWebhook(t(), { url: `${receiver.url}/qa/hook` });
      t().clock.set(Date.now()); // the reference receiver checks the timestamp against its own clock
      const res = await testSend(t(), webhook.id, { idType: 'OPEN_ID', targetId: '1917810' });
      expect(res.json()).toMatchObject({ success: true, httpStatus: 200, code: 'OK', error: null });
      expect(receiver.stats).toMatchObject({ requests: 1, accepted: 1, rejected: 0, users: 1 });
    } finally {
      await receiver.close();
    }
  });

  it('reports a signature the receiver rejects (a different key) as a failure with its code', async () => {
    const receiver = await startReceiver({ key: 'not the same key' });
    try {
      const webhook = await createWebhook(t(), { url: receiver.url });
      t().clock.set(Date.now());
      const res = await testSend(t(), webhook.id, { idType: 'OPEN_ID', targetId: '1917810' });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ success: false, httpStatus: 401, code: 'BAD_SIGNATURE' });
      expect(receiver.stats.rejections).toEqual({ BAD_SIGNATURE: 1 });
    } finally {
      await receiver.close();
    }
  });

  it('tests a disabled webhook too (copies start disabled and are tested before enabling)', async () => {
    const webhook = await createWebhook(t(), { url: keyed.url('/ok') });
    expect((await t().request('POST', `/api/v1/webhooks/${webhook.id}/disable`)).statusCode).toBe(200);
    const res = await testSend(t(), webhook.id, { idType: 'OPEN_ID', targetId: '1917810' });
    expect(res.json().success).toBe(true);
    expect(keyed.requests).toHaveLength(1);
  });

  it.each([
    ['HTTP 500', '/500', { httpStatus: 500, code: 'ERR_INTERNAL', message: 'database down', error: 'HTTP status 500 is not 2xx' }],
    ['200 with code ERR', '/err', { httpStatus: 200, code: 'ERR', message: 'user 1917810 is not a member', error: '"code" is "ERR", success needs exactly "OK" (case-sensitive)' }],
    ['a body that is not JSON', '/not-json', { httpStatus: 200, code: null, message: null, error: 'response body is not JSON' }],
  ])('reports %s as a failure, once (no retry)', async (_name, path, expected) => {
    const webhook = await createWebhook(t(), { url: keyed.url(path) });
    const res = await testSend(t(), webhook.id, { idType: 'OPEN_ID', targetId: '1917810' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ success: false, ...expected });
    expect(keyed.requests).toHaveLength(1);
  });

  it('gives up after the webhook\'s timeout when the receiver never answers', async () => {
    const webhook = await createWebhook(t(), { url: keyed.url('/slow'), delivery: { timeoutMs: 1000 } });
    const started = performance.now();
    const res = await testSend(t(), webhook.id, { idType: 'OPEN_ID', targetId: '1917810' });
    const elapsed = performance.now() - started;
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ success: false, httpStatus: null, code: null, message: null, error: 'no complete answer within 1000 ms' });
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(3000);
    expect(res.json().latencyMs).toBeGreaterThanOrEqual(950);
    expect(keyed.requests).toHaveLength(1);
  });

  it('reports a refused connection', async () => {
    const webhook = await createWebhook(t(), { url: `http://127.0.0.1:${await closedPort()}/hook` });
    const res = await testSend(t(), webhook.id, { idType: 'OPEN_ID', targetId: '1917810' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ success: false, httpStatus: null, error: 'the connection was refused (ECONNREFUSED)' });
  });

  it('makes the result the webhook\'s latestTest without changing its version, so an editor\'s If-Match still holds', async () => {
    const webhook = await createWebhook(t(), { url: keyed.url('/err') });
    const before = await t().request('GET', `/api/v1/webhooks/${webhook.id}`);
    const etag = before.headers.etag;
    expect(before.json().latestTest).toBeNull();

    t().clock.set(NOW + 5000);
    await testSend(t(), webhook.id, { idType: 'MOBILE', targetId: '13800000000' });
    const read = await t().request('GET', `/api/v1/webhooks/${webhook.id}`);
    expect(read.json().latestTest).toEqual({ ok: false, at: new Date(NOW + 5000).toISOString(), idType: 'MOBILE', targetId: '13800000000', httpStatus: 200, code: 'ERR', message: 'user 1917810 is not a member' });
    expect(read.json().version).toBe(webhook.version);
    expect(read.json().updatedAt).toBe(before.json().updatedAt);
    expect(read.headers.etag).toBe(etag);

    const list = await t().request('GET', '/api/v1/webhooks?pageSize=200');
    const listed = list.json().items.find((w: { id: string }) => w.id === webhook.id);
    expect(listed.latestTest).toEqual(read.json().latestTest);

    // A later test replaces it.
    await t().request('POST', `/api/v1/webhooks/${webhook.id}/disable`);
    const disabled = await t().request('GET', `/api/v1/webhooks/${webhook.id}`);
    t().clock.set(NOW + 9000);
    const put = await t().request('PUT', `/api/v1/webhooks/${webhook.id}`, { name: 'Coupon sender', authMethod: 'none', url: keyed.url('/ok'), idTypes: ['OPEN_ID', 'MOBILE'] });
    expect(put.statusCode, put.body).toBe(200);
    expect(disabled.json().version + 1).toBe(put.json().version);
    const ok = await testSend(t(), webhook.id, { idType: 'OPEN_ID', targetId: 'abc' });
    expect(ok.json().success).toBe(true);
    const after = (await t().request('GET', `/api/v1/webhooks/${webhook.id}`)).json();
    expect(after.latestTest).toEqual({ ok: true, at: new Date(NOW + 9000).toISOString(), idType: 'OPEN_ID', targetId: 'abc', httpStatus: 200, code: 'OK', message: 'queued for 1917810' });
    expect(after.version).toBe(put.json().version);

    // Editing with the ETag read before the test still succeeds: the test did not change the version.
    const edit = await t().app.inject({
      method: 'PUT',
      url: `/api/v1/webhooks/${webhook.id}`,
      headers: { authorization: 'Bearer hrk_test_admin_token_0123456789', 'if-match': `"${after.version}"` },
      payload: { name: 'Renamed', authMethod: 'none', url: keyed.url('/ok'), idTypes: ['OPEN_ID'] },
    });
    expect(edit.statusCode, edit.body).toBe(200);
    expect(edit.json().latestTest).toEqual(after.latestTest);
  });

  it('lists a webhook\'s tests newest first, paginated, and reads one', async () => {
    const webhook = await createWebhook(t(), { url: keyed.url('/ok') });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      t().clock.set(NOW + i * 1000);
      ids.push((await testSend(t(), webhook.id, { idType: 'OPEN_ID', targetId: `user-${i}` })).json().id);
    }
    const first = await t().request('GET', `/api/v1/webhooks/${webhook.id}/test-sends?pageSize=2`);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(first.json().items.map((i: { id: string }) => i.id)).toEqual([ids[2], ids[1]]);
    const second = await t().request('GET', `/api/v1/webhooks/${webhook.id}/test-sends?page=2&pageSize=2`);
    expect(second.json().items.map((i: { targetId: string }) => i.targetId)).toEqual(['user-0']);

    const one = await t().request('GET', `/api/v1/webhooks/${webhook.id}/test-sends/${ids[1]}`);
    expect(one.json()).toMatchObject({ id: ids[1], success: true, targetId: 'user-1', createdAt: new Date(NOW + 1000).toISOString() });
    expect((await t().request('GET', `/api/v1/webhooks/${webhook.id}/test-sends/ts_nope`)).statusCode).toBe(404);
    expect((await t().request('GET', '/api/v1/webhooks/wh_nope/test-sends')).statusCode).toBe(404);
  });

  it('keeps the 50 newest tests of a webhook', async () => {
    const webhook = await createWebhook(t(), { url: keyed.url('/ok') });
    for (let i = 0; i < 52; i++) {
      t().clock.set(NOW + i * 1000);
      expect((await testSend(t(), webhook.id, { idType: 'OPEN_ID', targetId: `u${i}` })).statusCode).toBe(201);
    }
    const page = (await t().request('GET', `/api/v1/webhooks/${webhook.id}/test-sends?pageSize=200`)).json();
    expect(page.total).toBe(50);
    expect(page.items[0].targetId).toBe('u51');
    expect(page.items[49].targetId).toBe('u2');
  });

  it('needs use of the webhook: a member without the role gets 403, nothing is sent or stored', async () => {
    const webhook = await createWebhook(t(), { url: keyed.url('/ok') });
    const token = await memberToken(t());
    const before = await storedState(t(), webhook.id);
    const res = await testSend(t(), webhook.id, { idType: 'OPEN_ID', targetId: '1917810' }, token);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('PERMISSION_REQUIRED');
    expect(keyed.requests).toHaveLength(0);
    expect(await storedState(t(), webhook.id)).toEqual(before);
    // Reading results needs use of the webhook too (test/access covers members with grants).
    expect((await t().request('GET', `/api/v1/webhooks/${webhook.id}/test-sends`, undefined, token)).statusCode).toBe(403);
  });

  it('answers 404, not 500, when the webhook is deleted while its test is in flight', async () => {
    const webhook = await createWebhook(t(), { url: keyed.url('/slow'), delivery: { timeoutMs: 1000 } });
    await t().request('POST', `/api/v1/webhooks/${webhook.id}/disable`);
    const pending = testSend(t(), webhook.id, { idType: 'OPEN_ID', targetId: '1917810' });
    await expect.poll(() => keyed.requests.length).toBe(1);
    expect((await t().request('DELETE', `/api/v1/webhooks/${webhook.id}`)).statusCode).toBe(204);
    const res = await pending;
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
    expect(await t().ctx.store.db.selectFrom('test_sends').selectAll().where('webhook_id', '=', webhook.id).execute()).toEqual([]);
  });

  it('answers 404 for a webhook that does not exist', async () => {
    const res = await testSend(t(), 'wh_missing', { idType: 'OPEN_ID', targetId: '1917810' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toEqual({ code: 'NOT_FOUND', message: 'Webhook "wh_missing" does not exist' });
  });
});
