import http from 'node:http';
import { serializeBatch } from '@hookreach/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { formatStats, startReceiver, type ReceivedRequest, type ReceiverHandle, type ReceiverOptions } from '../src/index.js';
import { closedPort, post, sampleUsers, signedRequest, startReportServer } from './support.js';

const KEY = 'receiver-key-123';
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (stops.length) await stops.pop()!();
});

async function receiver(options: ReceiverOptions): Promise<ReceiverHandle> {
  const handle = await startReceiver({ port: 0, ...options });
  stops.push(() => handle.close());
  return handle;
}

async function reportServer(opts: Parameters<typeof startReportServer>[0] = {}) {
  const server = await startReportServer(opts);
  stops.push(server.close);
  return server;
}

describe('the reference receiver', () => {
  it('answers OK to signed batches and reports one receipt per user, callback_params echoed, statuses from the set', async () => {
    const reports = await reportServer({ key: KEY });
    const statuses = [
      { code: '200', weight: 1 },
      { code: 'E_TIMEOUT', weight: 1 },
      { code: 'NEVER', weight: 0 },
    ];
    const rx = await receiver({ key: KEY, reportTo: reports.url, statuses, reportDelayMs: 20, reportBatchSize: 150 });
    expect(rx.url).toBe(`http://127.0.0.1:${rx.port}`);

    const batches = [0, 1, 2].map((b) => sampleUsers(100, `batch_${b}`));
    const answers = await Promise.all(batches.map((users, b) => post(signedRequest(`${rx.url}/any/path?tenant=${b}`, { key: KEY, users }))));
    for (const a of answers) expect(a).toEqual({ status: 200, json: { code: 'OK', message: '' } });
    expect(rx.stats).toMatchObject({ requests: 3, accepted: 3, rejected: 0, users: 300, receiptsQueued: 300 });

    await reports.waitFor(300);
    await rx.flush(); // the receiver's side of the last report may still be in flight
    expect(reports.calls.every((c) => c.problem === undefined)).toBe(true);
    expect(reports.calls.every((c) => c.body.length <= 150)).toBe(true);
    const got = reports.calls.flatMap((c) => c.body);
    expect(got).toHaveLength(300);
    const sent = batches.flat();
    const byAction = new Map(got.map((r) => [`${r.callback_params.batchId}/${r.callback_params.actionId}`, r]));
    expect(byAction.size).toBe(300);
    for (const user of sent) {
      const r = byAction.get(`${user.callback_params.batchId}/${user.callback_params.actionId}`)!;
      expect(r.callback_params).toEqual(user.callback_params);
      expect(Object.keys(r.callback_params)).toEqual(Object.keys(user.callback_params));
      expect(r.cst_id).toBe(user.user_profile.customer_id);
    }
    expect(new Set(got.map((r) => r.msg_id)).size).toBe(300);
    expect(got.every((r) => /^[0-9a-f]{32}$/.test(r.msg_id) && /^\d{13}$/.test(r.send_time))).toBe(true);
    const seen = new Set(got.map((r) => r.status));
    expect([...seen].sort()).toEqual(['200', 'E_TIMEOUT']);
    expect(rx.stats).toMatchObject({ receiptsReported: 300, receiptsFailed: 0, reportFailures: 0 });
  });

  it('refuses bad requests with the reason code and 401/400/405/413, and counts them', async () => {
    const reports = await reportServer({ key: KEY });
    const rx = await receiver({ key: KEY, reportTo: reports.url, reportDelayMs: 0, maxBodyBytes: 64 * 1024 });
    const good = signedRequest(`${rx.url}/hook`, { key: KEY });

    const badSig = await post({ ...good, headers: { ...good.headers, 'X-QA-Hmac-Signature': 'f'.repeat(64) } });
    expect(badSig.status).toBe(401);
    expect(badSig.json.code).toBe('BAD_SIGNATURE');
    const stale = await post(signedRequest(`${rx.url}/hook`, { key: KEY, nowMs: Date.now() - 600_000 }));
    expect(stale).toMatchObject({ status: 401, json: { code: 'STALE_TIMESTAMP' } });
    const badNonce = await post(signedRequest(`${rx.url}/hook`, { key: KEY, nonce: 'ABC' }));
    expect(badNonce).toMatchObject({ status: 401, json: { code: 'BAD_NONCE' } });
    const noQuery = await post({ ...good, url: `${rx.url}/hook` });
    expect(noQuery).toMatchObject({ status: 401, json: { code: 'BAD_TIMESTAMP' } });
    const badBody = await post(signedRequest(`${rx.url}/hook`, { key: KEY, body: '{"not":"an array"}' }));
    expect(badBody).toMatchObject({ status: 400, json: { code: 'BAD_BODY' } });
    expect(badBody.json.message).toContain('JSON array');
    const tooMany = await post(signedRequest(`${rx.url}/hook`, { key: KEY, body: JSON.stringify(sampleUsers(101)) }));
    expect(tooMany).toMatchObject({ status: 400, json: { code: 'BAD_BATCH_SIZE' } });
    const huge = await post(signedRequest(`${rx.url}/hook`, { key: KEY, body: `[${'"x",'.repeat(20_000)}"x"]` }));
    expect(huge).toMatchObject({ status: 413, json: { code: 'BODY_TOO_LARGE' } });
    const get = await fetch(good.url);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(((await get.json()) as { code: string }).code).toBe('METHOD_NOT_ALLOWED');

    expect(await post(good)).toMatchObject({ status: 200, json: { code: 'OK' } });
    expect(rx.stats).toMatchObject({ requests: 9, accepted: 1, rejected: 8, users: 3 });
    expect(formatStats(rx.stats, false)).toBe(
      'requests=9 accepted=1 users=3 rejected=8 [BAD_SIGNATURE=1 STALE_TIMESTAMP=1 BAD_NONCE=1 BAD_TIMESTAMP=1 BAD_BODY=1 BAD_BATCH_SIZE=1 BODY_TOO_LARGE=1 METHOD_NOT_ALLOWED=1]',
    );
    expect(rx.stats.rejections).toEqual({
      BAD_SIGNATURE: 1,
      STALE_TIMESTAMP: 1,
      BAD_NONCE: 1,
      BAD_TIMESTAMP: 1,
      BAD_BODY: 1,
      BAD_BATCH_SIZE: 1,
      BODY_TOO_LARGE: 1,
      METHOD_NOT_ALLOWED: 1,
    });
    await rx.flush();
    expect(reports.received()).toBe(3); // only the accepted request's users get receipts
  });

  it('reads a chunked body without Content-Length and caps it', async () => {
    const rx = await receiver({ maxBodyBytes: 1024 });
    const small = signedRequest(`${rx.url}/hook`, { users: sampleUsers(1) });
    const stream = (text: string) =>
      new ReadableStream({
        start(controller) {
          const bytes = new TextEncoder().encode(text);
          for (let i = 0; i < bytes.length; i += 100) controller.enqueue(bytes.slice(i, i + 100));
          controller.close();
        },
      });
    const ok = await fetch(small.url, { method: 'POST', headers: small.headers, body: stream(small.body), duplex: 'half' } as RequestInit);
    expect(ok.status).toBe(200);
    const big = signedRequest(`${rx.url}/hook`, { users: sampleUsers(20) });
    const refused = await fetch(big.url, { method: 'POST', headers: big.headers, body: stream(big.body), duplex: 'half' } as RequestInit).catch(
      (e: unknown) => e,
    );
    // The receiver answers 413 and closes; depending on timing the client sees the 413 or a reset.
    if (refused instanceof Response) expect(refused.status).toBe(413);
    expect(rx.stats.rejections.BODY_TOO_LARGE).toBe(1);
  });

  it('without a key, accepts signature "" and refuses a signed request', async () => {
    const rx = await receiver({});
    expect(await post(signedRequest(`${rx.url}/`, {}))).toMatchObject({ status: 200, json: { code: 'OK' } });
    expect(await post(signedRequest(`${rx.url}/`, { key: KEY }))).toMatchObject({ status: 401, json: { code: 'UNEXPECTED_SIGNATURE' } });
    expect(rx.stats).toMatchObject({ accepted: 1, rejected: 1, receiptsQueued: 0 });
  });

  it('reports pending receipts when closed, whatever the delay', async () => {
    const reports = await reportServer({ key: KEY });
    const rx = await startReceiver({ key: KEY, reportTo: reports.url, reportDelayMs: 600_000 });
    await post(signedRequest(`${rx.url}/`, { key: KEY, users: sampleUsers(50) }));
    expect(reports.received()).toBe(0);
    await rx.close();
    expect(reports.received()).toBe(50);
    expect(rx.stats.receiptsReported).toBe(50);
    await rx.close(); // idempotent
  });

  it('counts receipts it could not report, and still closes', async () => {
    const rx = await startReceiver({ key: KEY, reportTo: `http://127.0.0.1:${await closedPort()}`, reportDelayMs: 0 });
    await post(signedRequest(`${rx.url}/`, { key: KEY, users: sampleUsers(10) }));
    await rx.close();
    expect(rx.stats).toMatchObject({ receiptsQueued: 10, receiptsReported: 0, receiptsFailed: 10, reportFailures: 1 });
    expect(rx.stats.lastReportError).toMatch(/could not report 10 receipts.*ECONNREFUSED/);
  });

  it('counts receipts the receipt API refused', async () => {
    const reports = await reportServer({ key: 'another key' });
    const rx = await receiver({ key: KEY, reportTo: reports.url, reportDelayMs: 0 });
    await post(signedRequest(`${rx.url}/`, { key: KEY, users: sampleUsers(4) }));
    await rx.flush();
    expect(rx.stats).toMatchObject({ receiptsFailed: 4, reportFailures: 1 });
    expect(rx.stats.lastReportError).toBe('HTTP 401, code 401: bad signature');
  });

  it('lets onRequest observe each request and replace the answer (no receipts then)', async () => {
    const reports = await reportServer();
    const events: ReceivedRequest[] = [];
    let fail = true;
    const rx = await receiver({
      reportTo: reports.url,
      reportDelayMs: 0,
      onRequest: (event) => {
        events.push(event);
        if (fail) return { status: 503, code: 'E_BUSY', message: 'try later' };
        return undefined;
      },
    });
    const req = signedRequest(`${rx.url}/hook?x=1`, { users: sampleUsers(5) });
    expect(await post(req)).toEqual({ status: 503, json: { code: 'E_BUSY', message: 'try later' } });
    fail = false;
    expect(await post(req)).toMatchObject({ status: 200, json: { code: 'OK' } });
    await rx.flush();
    expect(events.map((e) => [e.method, e.url.split('?')[0], e.result.ok])).toEqual([
      ['POST', '/hook', true],
      ['POST', '/hook', true],
    ]);
    expect(rx.stats).toMatchObject({ accepted: 1, rejected: 1, rejections: { E_BUSY: 1 }, users: 5, receiptsQueued: 5 });
    expect(reports.received()).toBe(5);
  });

  it('keeps connections alive', async () => {
    const rx = await receiver({});
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const once = (): Promise<{ reused: boolean; status: number; body: string }> =>
        new Promise((resolve, reject) => {
          const r = signedRequest(`${rx.url}/`, { users: sampleUsers(2) });
          const req = http.request(r.url, { method: 'POST', headers: r.headers, agent }, (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (body += c));
            res.on('end', () => resolve({ reused: req.reusedSocket, status: res.statusCode ?? 0, body }));
          });
          req.on('error', reject);
          req.end(r.body);
        });
      const first = await once();
      const second = await once();
      expect(first).toEqual({ reused: false, status: 200, body: '{"code":"OK","message":""}' });
      expect(second.reused).toBe(true);
    } finally {
      agent.destroy();
    }
  });

  it('refuses bad options', async () => {
    await expect(startReceiver({ statuses: [] })).rejects.toThrow(/at least one status/);
    await expect(startReceiver({ statuses: [{ code: '200', weight: 0 }] })).rejects.toThrow(/more than 0/);
    await expect(startReceiver({ reportBatchSize: 10_001 })).rejects.toThrow(/reportBatchSize/);
    await expect(startReceiver({ reportTo: 'ftp://x' })).rejects.toThrow(/http or https/);
    await expect(startReceiver({ port: 70_000 })).rejects.toThrow(/port/);
  });

  it('handles a few thousand users quickly over concurrent connections', async () => {
    const reports = await reportServer({ key: KEY });
    const rx = await receiver({ key: KEY, reportTo: reports.url, reportDelayMs: 10, reportBatchSize: 1000 });
    const body = serializeBatch(sampleUsers(100));
    await Promise.all(
      Array.from({ length: 50 }, () => post(signedRequest(`${rx.url}/`, { key: KEY, body })).then((a) => expect(a.status).toBe(200))),
    );
    await reports.waitFor(5000);
    await rx.flush();
    expect(rx.stats).toMatchObject({ accepted: 50, users: 5000, receiptsReported: 5000 });
    expect(reports.calls.every((c) => c.body.length <= 1000)).toBe(true);
  });
});
