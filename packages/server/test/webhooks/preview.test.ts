import { verifySignature } from '@hookreach/protocol';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { addManagedParameter, createWebhook, storedState, webhookBody } from './support.js';

const KEY = 'preview-Key 123';
const NOW = Date.UTC(2026, 11, 1, 1, 0, 0, 750);
const SECONDS = Math.floor(NOW / 1000);

describeEachDialect('Webhooks: preview', (dialect) => {
  const t = useTestApp(dialect);
  let id: string;

  beforeAll(async () => {
    await addManagedParameter(t(), 'par_const', 'constant', { values: [{ name: 'CP2026', displayName: 'Coupon 2026' }, { name: 'CP2027' }] });
    await addManagedParameter(t(), 'par_iface', 'interface', { url: 'https://params.example.com/values' });
    id = (
      await createWebhook(t(), {
        key: KEY,
        url: 'https://crm.example.com/qa/hook?tenant=7',
        idTypes: ['OPEN_ID', 'MOBILE'],
        passEnvironment: true,
        parameters: [
          { name: 'coupon_name', displayName: 'Coupon name', type: 'string' },
          { name: 'amount', displayName: 'Amount', type: 'numeric' },
          { name: 'content', displayName: 'Content', type: 'text' },
          { name: 'valid_until', displayName: 'Valid until', type: 'date' },
          { name: 'coupon_id', displayName: 'Coupon', type: 'parameter', parameterId: 'par_const' },
          { name: 'store', displayName: 'Store', type: 'parameter', parameterId: 'par_iface' },
        ],
      })
    ).id;
  });

  it('shows the exact request: signed URL, headers with a verifiable signature, and the exact body bytes', async () => {
    t().clock.set(NOW);
    const before = await storedState(t(), id);
    const res = await t().request('GET', `/api/v1/webhooks/${id}/preview?idType=MOBILE`);
    expect(res.statusCode, res.body).toBe(200);
    const preview = res.json();
    expect(preview.method).toBe('POST');

    const sent = new URL(preview.url);
    const nonce = sent.searchParams.get('nonce')!;
    expect(nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(preview.url).toBe(`https://crm.example.com/qa/hook?tenant=7&timestamp=${SECONDS}&nonce=${nonce}`);

    expect(Object.keys(preview.headers)).toEqual(['Content-Type', 'X-QA-Hmac-Signature', 'X-QA-Workspace-Id', 'X-QA-Run-Kind', 'X-QA-Task-Id', 'X-QA-Webhook-Id']);
    expect(preview.headers).toMatchObject({ 'Content-Type': 'application/json', 'X-QA-Workspace-Id': 'ws_default', 'X-QA-Run-Kind': 'task', 'X-QA-Webhook-Id': id });
    expect(verifySignature(KEY, String(SECONDS), nonce, preview.headers['X-QA-Hmac-Signature'])).toBe(true);
    expect(verifySignature('another key', String(SECONDS), nonce, preview.headers['X-QA-Hmac-Signature'])).toBe(false);
    expect(res.body).not.toContain(KEY);

    const expected = [
      {
        user_profile: { target_type: 'MOBILE', target_id: '13800000000', customer_id: 'sample_customer_id' },
        params: {
          coupon_name: 'sample',
          amount: '100',
          content: 'Sample text for Content',
          valid_until: '2026-12-01T09:00:00+08:00',
          coupon_id: 'CP2026',
          store: '<value from interface>',
        },
        callback_params: {
          webhook_id: id,
          send_time: String(NOW),
          nodeId: 'sample_node_id',
          instanceId: 'sample_instance_id',
          batchId: 'sample_batch_id',
          actionId: 'sample_action_id',
          customerId: 'sample_customer_id',
        },
        process_info: {
          processInstanceId: 'sample_process_instance_id',
          processInstanceStartTime: String(SECONDS),
          processNodeInstanceId: 'sample_process_node_instance_id',
          processNodeInstanceStartTime: String(SECONDS),
          groupName: 'sample_node_id:Sample split:50.00,Group A',
        },
      },
    ];
    expect(preview.rawBody).toBe(JSON.stringify(expected));

    const parsed = JSON.parse(preview.rawBody);
    expect(parsed).toHaveLength(1);
    const [user] = parsed;
    expect(Object.keys(user)).toEqual(['user_profile', 'params', 'callback_params', 'process_info']);
    expect(Object.keys(user.user_profile)).toEqual(['target_type', 'target_id', 'customer_id']);
    expect(Object.keys(user.params)).toEqual(['coupon_name', 'amount', 'content', 'valid_until', 'coupon_id', 'store']);
    expect(Object.keys(user.callback_params)).toEqual(['webhook_id', 'send_time', 'nodeId', 'instanceId', 'batchId', 'actionId', 'customerId']);
    expect(Object.keys(user.process_info)).toEqual(['processInstanceId', 'processInstanceStartTime', 'processNodeInstanceId', 'processNodeInstanceStartTime', 'groupName']);
    for (const part of Object.values(user) as Record<string, unknown>[]) {
      for (const value of Object.values(part)) expect(typeof value).toBe('string');
    }
    // `body` is the same array, in the same key order, as the raw bytes.
    expect(JSON.stringify(preview.body)).toBe(preview.rawBody);
    expect(await storedState(t(), id)).toEqual(before);
  });

  it('draws a fresh nonce each time and follows the clock', async () => {
    t().clock.set(NOW);
    const a = (await t().request('GET', `/api/v1/webhooks/${id}/preview`)).json();
    t().clock.set(NOW + 60_000);
    const b = (await t().request('GET', `/api/v1/webhooks/${id}/preview`)).json();
    const [ua, ub] = [new URL(a.url), new URL(b.url)];
    expect(ua.searchParams.get('nonce')).not.toBe(ub.searchParams.get('nonce'));
    expect(Number(ub.searchParams.get('timestamp')) - Number(ua.searchParams.get('timestamp'))).toBe(60);
    expect(a.body[0].params.valid_until).toBe('2026-12-01T09:00:00+08:00');
    expect(b.body[0].params.valid_until).toBe('2026-12-01T09:01:00+08:00');
  });

  it('defaults to the first ID type and refuses one the webhook does not send to', async () => {
    const res = await t().request('GET', `/api/v1/webhooks/${id}/preview`);
    expect(res.json().body[0].user_profile).toEqual({ target_type: 'OPEN_ID', target_id: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M', customer_id: 'sample_customer_id' });
    const wrong = await t().request('GET', `/api/v1/webhooks/${id}/preview?idType=EMAIL`);
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.details).toEqual([{ path: 'query.idType', message: 'must be one of the webhook\'s ID types: OPEN_ID, MOBILE' }]);
    expect((await t().request('GET', '/api/v1/webhooks/wh_missing/preview')).statusCode).toBe(404);
  });

  it('sends an empty signature and no environment headers for a webhook without authentication', async () => {
    const body = webhookBody({ authMethod: 'none', passEnvironment: false, parameters: [] });
    delete body.key;
    const plain = (await t().request('POST', '/api/v1/webhooks', body)).json();
    const res = await t().request('GET', `/api/v1/webhooks/${plain.id}/preview`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().headers).toEqual({ 'Content-Type': 'application/json', 'X-QA-Hmac-Signature': '' });
    expect(res.json().url).toMatch(/^https:\/\/crm\.example\.com\/hook\?timestamp=\d+&nonce=[0-9a-f]{32}$/);
    expect(JSON.parse(res.json().rawBody)[0].params).toEqual({});
  });
});
