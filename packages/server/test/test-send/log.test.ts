import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import { signaturePayload } from '@hookreach/protocol';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { describeEachDialect } from '../support/dialects.js';
import { ADMIN_TOKEN, useTestApp } from '../support/test-app.js';
import { closedPort, createWebhook, KEY, memberToken, startRecorder, testSend } from './support.js';

const NOW = Date.UTC(2026, 11, 1, 1, 0, 0, 0);
const SECONDS = String(NOW / 1000);

describeEachDialect('Test send: log', (dialect) => {
  const t = useTestApp(dialect);
  let receiver: Awaited<ReturnType<typeof startRecorder>>;

  beforeAll(async () => {
    receiver = await startRecorder(KEY);
  });
  afterAll(async () => {
    await receiver?.close();
  });
  beforeEach(() => {
    receiver.requests.length = 0;
    t().clock.set(NOW);
  });

  const download = (webhookId: string, testId: string, token?: string) => t().request('GET', `/api/v1/webhooks/${webhookId}/test-sends/${testId}/log`, undefined, token);

  it('downloads the request, headers with the signature, exact body, response, timings and masked signature input', async () => {
    const webhook = await createWebhook(t(), { name: 'CRM hook', url: receiver.url('/ok?tenant=7'), parameters: [{ name: 'coupon', displayName: 'Coupon', type: 'string' }] });
    t().clock.set(NOW);
    const sent = await testSend(t(), webhook.id, { idType: 'OPEN_ID', targetId: '1917810', params: { coupon: 'C42' } });
    const testId = sent.json().id as string;
    const received = receiver.requests[0]!;
    const signature = received.headers['x-qa-hmac-signature'] as string;
    const nonce = received.query.get('nonce')!;

    const res = await download(webhook.id, testId);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="test-send-${testId}.log"`);
    expect(res.headers['cache-control']).toBe('no-store');
    const log = res.body;
    const lines = log.split('\n');

    // Request: the line, every header in the order the receiver got them, the exact body.
    const url = receiver.url(received.url);
    expect(lines).toContain(`POST ${url}`);
    const requestStart = lines.indexOf(`POST ${url}`);
    const headerLines: string[] = [];
    for (let i = 0; i < received.rawHeaders.length; i += 2) headerLines.push(`${received.rawHeaders[i]!.toLowerCase()}: ${received.rawHeaders[i + 1]}`);
    expect(lines.slice(requestStart + 1, requestStart + 1 + headerLines.length).map((l) => l.replace(/^[^:]+/, (n) => n.toLowerCase()))).toEqual(headerLines);
    expect(lines).toContain(`X-QA-Hmac-Signature: ${signature}`);
    expect(lines[requestStart + headerLines.length + 2]).toBe(received.body.toString('utf8'));

    // Response: status line, headers, body.
    expect(lines).toContain('HTTP/1.1 200 OK');
    expect(lines).toContain('x-receiver: recorder');
    expect(lines).toContain('content-type: application/json');
    expect(lines).toContain(JSON.stringify({ code: 'OK', message: 'queued for 1917810' }));

    // Timings and outcome.
    expect(lines).toContain(`started: ${new Date(NOW).toISOString()}`);
    expect(log).toMatch(/^latency ms: \d+$/m);
    expect(lines).toContain('timeout ms: 10000');
    expect(lines).toContain('success: true');
    expect(lines).toContain('error: (none)');

    // The signature input, key masked, is enough to recompute the signature with one's own key.
    const sortedLine = lines.find((l) => l.startsWith('sorted parts (key masked): '))!;
    const parts = JSON.parse(sortedLine.slice('sorted parts (key masked): '.length)) as string[];
    expect(parts).toEqual([SECONDS, nonce, KEY].sort().map((p) => (p === KEY ? '***' : p)));
    const signedLine = lines.find((l) => l.startsWith('signed string (key masked): '))!.slice('signed string (key masked): '.length);
    expect(signedLine.replace('***', KEY.replace(/\s+/g, ''))).toBe(signaturePayload(KEY, SECONDS, nonce));
    expect(createHmac('sha256', KEY).update(signedLine.replace('***', KEY.replace(/\s+/g, ''))).digest('hex')).toBe(signature);
    expect(log).toContain('HmacSHA256');

    expect(log).not.toContain(KEY);
    expect(log).not.toContain(KEY.replace(/\s+/g, ''));
  });

  it('says there was no response and why, for a refused connection', async () => {
    const webhook = await createWebhook(t(), { url: `http://127.0.0.1:${await closedPort()}/hook` });
    const testId = (await testSend(t(), webhook.id, { idType: 'OPEN_ID', targetId: '1' })).json().id;
    const log = (await download(webhook.id, testId)).body;
    expect(log).toContain('(no response: see the error below)');
    expect(log).toContain('error: the connection was refused (ECONNREFUSED)');
    expect(log).toContain('success: false');
  });

  it('shows an unauthenticated webhook\'s empty signature and says nothing is signed', async () => {
    const webhook = await createWebhook(t(), { authMethod: 'none', key: undefined, url: receiver.url('/500') });
    const testId = (await testSend(t(), webhook.id, { idType: 'OPEN_ID', targetId: '1' })).json().id;
    const log = (await download(webhook.id, testId)).body;
    expect(log.split('\n')).toContain('X-QA-Hmac-Signature: ');
    expect(log).toContain('Authentication: none');
    expect(log).toContain('HTTP/1.1 500 Internal Server Error');
    expect(log).toContain('code: ERR_INTERNAL');
    expect(log).toContain('message: database down');
  });

  it('masks the key wherever a receiver echoes it: answer, latestTest, log', async () => {
    const webhook = await createWebhook(t(), { url: receiver.url('/echo-key') });
    const res = await testSend(t(), webhook.id, { idType: 'OPEN_ID', targetId: '1' });
    expect(res.json()).toMatchObject({ success: false, httpStatus: 401, code: 'BAD_SIGNATURE', message: 'expected key ***' });
    const log = (await download(webhook.id, res.json().id)).body;
    expect(log).toContain('x-expected-key: ***');
    expect(log).toContain('"message":"expected key ***"');
    const read = await t().request('GET', `/api/v1/webhooks/${webhook.id}`);
    expect(read.json().latestTest.message).toBe('expected key ***');
    for (const text of [res.body, log, read.body, (await t().request('GET', `/api/v1/webhooks/${webhook.id}/test-sends`)).body]) expect(text).not.toContain(KEY);
    const stored = await t().ctx.store.db.selectFrom('test_sends').selectAll().where('webhook_id', '=', webhook.id).execute();
    expect(JSON.stringify(stored)).not.toContain(KEY);
    const row = await t().ctx.store.db.selectFrom('webhooks').select('latest_test').where('id', '=', webhook.id).executeTakeFirstOrThrow();
    expect(row.latest_test).not.toContain(KEY);
  });

  it('is for administrators, and only for the webhook\'s own tests', async () => {
    const webhook = await createWebhook(t(), { url: receiver.url('/ok') });
    const other = await createWebhook(t(), { url: receiver.url('/ok') });
    const testId = (await testSend(t(), webhook.id, { idType: 'OPEN_ID', targetId: '1' })).json().id;
    const member = await download(webhook.id, testId, await memberToken(t()));
    expect(member.statusCode).toBe(403);
    expect(member.json().error.code).toBe('ADMIN_REQUIRED');
    const elsewhere = await download(other.id, testId);
    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.json().error).toEqual({ code: 'NOT_FOUND', message: `Test send "${testId}" does not exist` });
    expect((await download(webhook.id, 'ts_unknown')).statusCode).toBe(404);
  });

  describe('server log', () => {
    let logged = '';
    let loggingApp: FastifyInstance;
    beforeAll(async () => {
      const stream = new Writable({ write(chunk, _encoding, done) { logged += String(chunk); done(); } });
      loggingApp = await buildApp(t().ctx, { logger: { level: 'trace', stream } });
      await loggingApp.ready();
    });
    afterAll(async () => {
      await loggingApp?.close();
    });

    it('never writes the key to the server log, whatever happens', async () => {
      const send = (id: string, body: unknown) =>
        loggingApp.inject({ method: 'POST', url: `/api/v1/webhooks/${id}/test-sends`, headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, payload: body as object });
      for (const path of ['/ok', '/500', '/echo-key', '/not-json']) {
        const webhook = await createWebhook(t(), { url: receiver.url(path) });
        const res = await send(webhook.id, { idType: 'OPEN_ID', targetId: '1' });
        expect(res.statusCode).toBe(201);
        await loggingApp.inject({ method: 'GET', url: `/api/v1/webhooks/${webhook.id}/test-sends/${res.json().id}/log`, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
        expect((await send(webhook.id, { idType: 'EMAIL', targetId: '1' })).statusCode).toBe(400);
      }
      expect(logged.length).toBeGreaterThan(0);
      expect(logged).not.toContain(KEY);
    });
  });
});
