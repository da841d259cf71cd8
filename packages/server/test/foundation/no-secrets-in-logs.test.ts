import { Writable } from 'node:stream';
import { startReceiver, type ReceiverHandle } from '@hookreach/receiver-kit';
import { makeSignature, newNonce, RECEIPT_PATH } from '@hookreach/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { Dispatcher } from '../../src/delivery/dispatcher.js';
import { enqueueBatches } from '../../src/delivery/enqueue.js';
import { loggerOptions } from '../../src/server.js';
import { describeEachDialect } from '../support/dialects.js';
import { ADMIN_TOKEN, useTestApp } from '../support/test-app.js';
import { interfaceBody, startExampleInterface } from '../parameters/support.js';

const WEBHOOK_KEY = 'wh-key-that-must-never-be-logged-7f3a';
const INTERFACE_KEY = 'if-key-that-must-never-be-logged-91c2';

/** Every line the application logs, at trace level, through the server's own logger settings. */
const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    lines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
    done();
  },
});
const logger = { ...loggerOptions(loadConfig({ LOG_LEVEL: 'trace' }, '/tmp')), stream: sink };

describeEachDialect('logs', (dialect) => {
  const t = useTestApp(dialect, {}, { logger });
  let receiver: ReceiverHandle;
  let crm: Awaited<ReturnType<typeof startExampleInterface>>;
  beforeAll(async () => {
    receiver = await startReceiver({ port: 0, key: WEBHOOK_KEY });
    crm = await startExampleInterface(INTERFACE_KEY);
  });
  afterAll(async () => {
    await receiver.close();
    await crm.close();
  });

  it('are JSON lines with request ids, and never carry a token, key or signature', async () => {
    lines.length = 0;
    const app = t();
    const webhook = await app.request('POST', '/api/v1/webhooks', {
      name: 'Logged', authMethod: 'key', key: WEBHOOK_KEY, url: `http://127.0.0.1:${receiver.port}/hook`, idTypes: ['OPEN_ID'],
      parameters: [{ name: 'coupon', displayName: 'Coupon', type: 'string' }], receipt: { enabled: true, retentionHours: 72, statuses: [{ code: '200', value: 'Success' }] },
    });
    expect(webhook.statusCode, webhook.body).toBe(201);
    const webhookId = webhook.json().id as string;
    expect((await app.request('POST', `/api/v1/webhooks/${webhookId}/test-sends`, { idType: 'OPEN_ID', targetId: 'o1', params: { coupon: 'C1' } })).statusCode).toBe(201);

    const parameter = await app.request('POST', '/api/v1/parameters', interfaceBody({ name: 'Logged stores', url: crm.url('/options'), key: INTERFACE_KEY }));
    expect(parameter.statusCode, parameter.body).toBe(201);
    expect((await app.request('GET', `/api/v1/parameters/${parameter.json().id}/options`)).statusCode).toBe(200);

    const member = await app.request('POST', '/api/v1/members', { name: 'Log Reader', email: 'logs@example.com', admin: false, roleIds: [] });
    expect(member.statusCode, member.body).toBe(201);
    const token = await app.request('POST', `/api/v1/members/${member.json().id}/tokens`, { name: 'ci' });
    expect(token.statusCode, token.body).toBe(201);
    const memberToken = token.json().token as string;
    expect((await app.request('GET', '/api/v1/me', undefined, memberToken)).statusCode).toBe(200);
    expect((await app.request('GET', '/api/v1/me', undefined, `${memberToken}x`)).statusCode).toBe(401);
    // A webhook key sent where it does not belong, and a validation error around it.
    expect((await app.request('POST', '/api/v1/webhooks', { name: '', authMethod: 'key', key: WEBHOOK_KEY, url: 'nope' })).statusCode).toBe(400);

    // The engine's own logging: a batch sent, and a receipt report signed with the key, then a forged one.
    const [batch] = await enqueueBatches(app.ctx, {
      workspaceId: 'ws_default', webhookId, runKind: 'task', taskId: 'task_logs',
      batches: [[{ user_profile: { target_type: 'OPEN_ID', target_id: 'o1', customer_id: 'c1' }, params: { coupon: 'C1' } }]],
    });
    expect(await new Dispatcher({ ctx: app.ctx, workerId: 'logs', log: app.app.log }).runOnce()).toBe(1);
    const timestamp = String(Math.floor(app.clock.now() / 1000));
    const nonce = newNonce();
    const signature = makeSignature(WEBHOOK_KEY, timestamp, nonce);
    const receipt = [{ msg_id: 'a'.repeat(32), status: '200', cst_id: 'c1', send_time: '1', callback_params: { webhook_id: webhookId, batchId: batch!.batchId, actionId: batch!.actionIds[0]!, customerId: 'c1' } }];
    for (const sig of [signature, 'f'.repeat(64)]) {
      await app.app.inject({ method: 'POST', url: `${RECEIPT_PATH}?timestamp=${timestamp}&nonce=${sig === signature ? nonce : newNonce()}`, headers: { 'content-type': 'application/json', 'x-qa-hmac-signature': sig }, payload: receipt });
    }

    expect(lines.length).toBeGreaterThan(20);
    const records = lines.map((line) => JSON.parse(line) as { reqId?: string; msg?: string; level: number });
    expect(records.filter((r) => r.msg === 'incoming request').every((r) => typeof r.reqId === 'string' && r.reqId !== '')).toBe(true);
    for (const secret of [WEBHOOK_KEY, INTERFACE_KEY, ADMIN_TOKEN, memberToken, signature]) {
      const leaks = lines.filter((line) => line.includes(secret));
      expect(leaks, `a log line carries ${secret.slice(0, 8)}…`).toEqual([]);
    }
  });
});
