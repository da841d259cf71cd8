import { afterEach, describe, expect, it } from 'vitest';
import {
  RECEIPT_PATH,
  receiptFor,
  ReceiptReportError,
  receiptUrl,
  reportReceipts,
  type WebHookCallBackMessage,
} from '../src/index.js';
import { closedPort, sampleUser, sampleUsers, startReportServer } from './support.js';

const KEY = 'k3y with spaces 北京';
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (stops.length) await stops.pop()!();
});

async function reportServer(opts: Parameters<typeof startReportServer>[0] = {}) {
  const server = await startReportServer(opts);
  stops.push(server.close);
  return server;
}

function receipts(count: number): WebHookCallBackMessage[] {
  const user = sampleUser(1);
  return Array.from({ length: count }, (_, i) => ({ ...receiptFor(user, '200', 1_700_000_000_000), cst_id: `cst_${i}` }));
}

describe('receiptFor', () => {
  it('builds a receipt from a received user, callback_params unchanged', () => {
    const user = sampleUser(7);
    const receipt = receiptFor(user, '500', 1625037480123);
    expect(receipt).toEqual({
      msg_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      status: '500',
      cst_id: 'cst_7',
      send_time: '1625037480123',
      callback_params: user.callback_params,
    });
    expect(Object.keys(receipt)).toEqual(['msg_id', 'status', 'cst_id', 'send_time', 'callback_params']);
    expect(JSON.stringify(receipt.callback_params)).toBe(JSON.stringify(user.callback_params));
    expect(receiptFor(user, '200').msg_id).not.toBe(receipt.msg_id);
  });

  it('defaults send_time to now, in milliseconds', () => {
    const before = Date.now();
    const sent = Number(receiptFor(sampleUser(1), '200').send_time);
    expect(sent).toBeGreaterThanOrEqual(before);
    expect(sent).toBeLessThanOrEqual(Date.now());
  });
});

describe('receiptUrl', () => {
  it('appends the receipt path, keeping a path prefix', () => {
    expect(receiptUrl('http://127.0.0.1:8080').href).toBe(`http://127.0.0.1:8080${RECEIPT_PATH}`);
    expect(receiptUrl('https://qa.example/prefix/').href).toBe(`https://qa.example/prefix${RECEIPT_PATH}`);
    expect(() => receiptUrl('ftp://qa.example')).toThrow(TypeError);
  });
});

describe('reportReceipts', () => {
  it('POSTs the receipts, signed, to the receipt path with timestamp and nonce, and returns the answer', async () => {
    const server = await reportServer({ key: KEY });
    const list = receipts(3);
    const result = await reportReceipts({ baseUrl: server.url, key: KEY, receipts: list });
    expect(result).toEqual({
      ok: true,
      status: 200,
      code: 200,
      message: 'Success',
      accepted: 3,
      responses: [{ status: 200, code: 200, message: 'Success', receipts: 3, ok: true }],
    });
    expect(server.calls).toHaveLength(1);
    const call = server.calls[0]!;
    expect(call.problem).toBeUndefined();
    expect(call.url.pathname).toBe(RECEIPT_PATH);
    expect([...call.url.searchParams.keys()]).toEqual(['timestamp', 'nonce']);
    expect(call.contentType).toBe('application/json');
    expect(call.body).toEqual(list);
  });

  it('sends X-QA-Hmac-Signature "" without a key', async () => {
    const server = await reportServer();
    const result = await reportReceipts({ baseUrl: server.url, receipts: receipts(2) });
    expect(result.ok).toBe(true);
    expect(server.calls[0]!.signature).toBe('');
  });

  it('uses nowMs (in seconds) as the timestamp', async () => {
    const server = await reportServer({ answer: () => ({ status: 200, body: '{"code":200,"message":"Success"}' }) });
    await reportReceipts({ baseUrl: server.url, key: KEY, receipts: receipts(1), nowMs: 1631865523_999 });
    expect(server.calls[0]!.url.searchParams.get('timestamp')).toBe('1631865523');
  });

  it('splits more than 10,000 receipts into several requests, each freshly signed', async () => {
    const server = await reportServer({ key: KEY });
    const list = receipts(25_001);
    const result = await reportReceipts({ baseUrl: server.url, key: KEY, receipts: list });
    expect(result.ok).toBe(true);
    expect(result.accepted).toBe(25_001);
    expect(server.calls.map((c) => c.body.length)).toEqual([10_000, 10_000, 5_001]);
    expect(server.calls.every((c) => c.problem === undefined)).toBe(true);
    expect(new Set(server.calls.map((c) => c.url.searchParams.get('nonce'))).size).toBe(3);
    expect(server.calls.flatMap((c) => c.body.map((r) => r.cst_id))).toEqual(list.map((r) => r.cst_id));
    expect(result.responses.map((r) => r.receipts)).toEqual([10_000, 10_000, 5_001]);
  });

  it('sends exactly 10,000 in one request, and honours a smaller batchSize', async () => {
    const server = await reportServer();
    await reportReceipts({ baseUrl: server.url, receipts: receipts(10_000) });
    expect(server.calls.map((c) => c.body.length)).toEqual([10_000]);
    await reportReceipts({ baseUrl: server.url, receipts: receipts(5), batchSize: 2 });
    expect(server.calls.map((c) => c.body.length)).toEqual([10_000, 2, 2, 1]);
    await expect(reportReceipts({ baseUrl: server.url, receipts: [], batchSize: 10_001 })).rejects.toThrow(RangeError);
  });

  it('sends [] for an empty list (as the guide sample)', async () => {
    const server = await reportServer();
    const result = await reportReceipts({ baseUrl: server.url, receipts: [] });
    expect(result.ok).toBe(true);
    expect(server.calls.map((c) => c.body)).toEqual([[]]);
  });

  it('reports a refusal and stops at the first refused request', async () => {
    let n = 0;
    const server = await reportServer({
      key: KEY,
      answer: () => (++n === 2 ? { status: 200, body: '{"code":500,"message":"Failed: quota"}' } : undefined),
    });
    const result = await reportReceipts({ baseUrl: server.url, key: KEY, receipts: receipts(25_000) });
    expect(result).toMatchObject({ ok: false, status: 200, code: 500, message: 'Failed: quota', accepted: 10_000 });
    expect(server.calls).toHaveLength(2);
  });

  it('treats a wrong key, a non-2xx status or a non-JSON answer as not ok', async () => {
    const server = await reportServer({ key: KEY });
    const wrong = await reportReceipts({ baseUrl: server.url, key: 'other', receipts: receipts(1) });
    expect(wrong).toMatchObject({ ok: false, status: 401, code: 401, message: 'bad signature', accepted: 0 });

    const html = await reportServer({ answer: () => ({ status: 502, body: '<html>Bad gateway</html>' }) });
    expect(await reportReceipts({ baseUrl: html.url, receipts: receipts(1) })).toMatchObject({
      ok: false,
      status: 502,
      code: undefined,
      message: '<html>Bad gateway</html>',
    });
    const stringCode = await reportServer({ answer: () => ({ status: 200, body: '{"code":"200","message":"Success"}' }) });
    const loose = await reportReceipts({ baseUrl: stringCode.url, receipts: receipts(1) });
    expect(loose.ok).toBe(false);
    expect(loose.message).toContain('not a number');
  });

  it('throws a clear ReceiptReportError when nothing answers', async () => {
    const port = await closedPort();
    const error = await reportReceipts({ baseUrl: `http://127.0.0.1:${port}`, key: KEY, receipts: receipts(2) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReceiptReportError);
    const e = error as ReceiptReportError;
    expect(e.message).toContain(`could not report 2 receipts to http://127.0.0.1:${port}${RECEIPT_PATH}?timestamp=`);
    expect(e.message).toMatch(/ECONNREFUSED/);
    expect(e.message).not.toContain(KEY);
    expect(e.accepted).toBe(0);
  });

  it('uses fetchImpl and times out', async () => {
    const seen: string[] = [];
    const fake: typeof fetch = async (url) => {
      seen.push(String(url));
      return new Response('{"code":200,"message":"Success"}', { status: 200 });
    };
    expect((await reportReceipts({ baseUrl: 'http://qa.invalid', receipts: receipts(1), fetchImpl: fake })).ok).toBe(true);
    expect(seen[0]).toMatch(/^http:\/\/qa\.invalid\/restapi\/marketing2\/webhook\/receiveWebHookCallBack\?timestamp=\d+&nonce=[0-9a-f]{32}$/);

    const hang: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason as Error)));
    await expect(reportReceipts({ baseUrl: 'http://qa.invalid', receipts: receipts(1), fetchImpl: hang, timeoutMs: 20 })).rejects.toThrow(
      /no answer within 20 ms/,
    );
  });

  it('echoes callback_params of received users byte for byte', async () => {
    const server = await reportServer();
    const users = sampleUsers(3, 'batch_ü');
    await reportReceipts({ baseUrl: server.url, receipts: users.map((u) => receiptFor(u, '200')) });
    expect(server.calls[0]!.body.map((r) => r.callback_params)).toEqual(users.map((u) => u.callback_params));
  });
});
