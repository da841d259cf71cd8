import { beforeAll, expect, it } from 'vitest';
import { listMessageReceipts } from '../../src/receipts/store.js';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { createReceiptWebhook, postReceipts, receiptFor, receiptState, seedDelivery, type SeededMessage } from './support.js';

describeEachDialect('malformed receipt reports', (dialect) => {
  const t = useTestApp(dialect);
  let message: SeededMessage;
  let webhookId: string;

  beforeAll(async () => {
    const webhook = await createReceiptWebhook(t());
    webhookId = webhook.id;
    message = (await seedDelivery(t(), webhook.id, { users: 1 })).messages[0]!;
  });

  /** Posts `body`, expects `status` with `{code: status, message}` only, and that nothing (not even the nonce) was stored. */
  async function refused(body: unknown, status: number, options: Parameters<typeof postReceipts>[2] = {}) {
    const before = await receiptState(t());
    const nonces = await t().ctx.store.db.selectFrom('receipt_nonces').select('nonce').execute();
    const res = await postReceipts(t(), body, options);
    expect(res.statusCode, res.body).toBe(status);
    const answer = res.json() as { code: number; message: string };
    expect(Object.keys(answer).sort()).toEqual(['code', 'message']);
    expect(answer.code).toBe(status);
    expect(await receiptState(t())).toEqual(before);
    expect(await t().ctx.store.db.selectFrom('receipt_nonces').select('nonce').execute()).toEqual(nonces);
    return answer.message;
  }

  it('refuses malformed JSON with 400', async () => {
    const valid = JSON.stringify([receiptFor(message, '200')]);
    expect(await refused(valid.slice(0, -5), 400)).toMatch(/^The request body is not valid JSON/);
    expect(await refused(`${valid} []`, 400)).toMatch(/^The request body is not valid JSON/);
    expect(await refused('', 400)).toBe('The request body is not valid JSON: the body is empty');
    expect(await refused('[{"__proto__": {"x": 1}}]', 400)).toMatch(/^The request body is not valid JSON/);
    // As Fastify's own parser: a __proto__ key anywhere, or a constructor with a prototype, even where extra fields are allowed.
    const inParams = (extra: string) => valid.replace('"callback_params":{', `"callback_params":{${extra},`);
    expect(await refused(inParams('"__proto__":"x"'), 400)).toBe('The request body is not valid JSON: Object contains forbidden prototype property');
    expect(await refused(inParams('"\\u005f_proto__":"x"'), 400)).toBe('The request body is not valid JSON: Object contains forbidden prototype property');
    expect(await refused(inParams('"constructor":{"prototype":{"x":1}}'), 400)).toBe('The request body is not valid JSON: Object contains forbidden prototype property');
  });

  it('reads a report with a byte order mark, and a "constructor" parameter that is only text', async () => {
    const other = (await seedDelivery(t(), webhookId, { users: 1 })).messages[0]!;
    const receipt = receiptFor(other, '200');
    const body = `\ufeff${JSON.stringify([{ ...receipt, callback_params: { ...receipt.callback_params, constructor: 'text' } }])}`;
    const res = await postReceipts(t(), body);
    expect(res.json()).toEqual({ code: 200, message: 'Success' });
  });

  it('refuses wrong types and shapes with 400, listing every problem', async () => {
    const good = receiptFor(message, '200');
    const message1 = await refused([
      good,
      { ...good, msg_id: 42, status: null, send_time: '17 o\'clock' },
      { ...good, callback_params: { ...good.callback_params, actionId: 7, extra: { nested: true } } },
      { msg_id: 'x', extra: 1 },
    ], 400);
    expect(message1).toMatch(/^The receipt report is invalid \(\d+ problems\): /);
    for (const problem of [
      'receipts[1].msg_id must be string',
      'receipts[1].status must be string',
      'receipts[1].send_time must match pattern',
      'receipts[2].callback_params.actionId must be string',
      'receipts[2].callback_params.extra must be string',
      'receipts[3].status is required',
      'receipts[3].cst_id is required',
      'receipts[3].send_time is required',
      'receipts[3].callback_params is required',
      'receipts[3].extra is not an allowed field',
    ]) expect(message1).toContain(problem);
    expect(await refused({ receipts: [good] }, 400)).toBe('The receipt report is invalid (1 problem): body must be array');
    expect(await refused([{ ...good, callback_params: { webhook_id: good.callback_params.webhook_id } }], 400)).toContain('receipts[0].callback_params.actionId is required');
    expect(await refused([{ ...good, msg_id: '' }], 400)).toContain('receipts[0].msg_id must NOT have fewer than 1 characters');
  });

  it('refuses control characters in ids (PostgreSQL text cannot hold NUL), and stores other Unicode as sent', async () => {
    const good = receiptFor(message, '200');
    const problems = await refused([{ ...good, msg_id: 'a\u0000b', callback_params: { ...good.callback_params, webhook_id: 'wh\u0000', actionId: 'x\ny' } }], 400);
    expect(problems).toContain('receipts[0].msg_id must match pattern');
    expect(problems).toContain('receipts[0].callback_params.webhook_id must match pattern');
    expect(problems).toContain('receipts[0].callback_params.actionId must match pattern');
    const unicode = await postReceipts(t(), [{ ...good, msg_id: 'msg-\u00e9\u{1F600}-\ud800' }]);
    expect(unicode.json()).toEqual({ code: 200, message: 'Success' });
    const [stored] = await listMessageReceipts(t().ctx.store, { batchId: message.callbackParams.batchId!, actionId: message.actionId });
    expect(stored!.msgId.startsWith('msg-\u00e9\u{1F600}-')).toBe(true);
  });

  it('refuses more than 10,000 receipts with 413 before validating them', async () => {
    const receipts = Array.from({ length: 10_001 }, () => receiptFor(message, '200'));
    expect(await refused(receipts, 413)).toBe('A receipt report holds at most 10000 receipts, got 10001');
    expect(await refused(Array(10_001).fill(0), 413)).toBe('A receipt report holds at most 10000 receipts, got 10001');
  });

  it('refuses a body that is not JSON with 415', async () => {
    expect(await refused('msg_id=1', 415, { contentType: 'application/x-www-form-urlencoded' })).toMatch(/not supported; send application\/json/);
    expect(await refused('[]', 415, { contentType: 'text/plain' })).toMatch(/not supported/);
  });

  it('checks the timestamp before the body: a stale report with a malformed body is a 401', async () => {
    const stale = String(Math.floor(t().clock.now() / 1000) - 3600);
    expect(await refused('{not json', 401, { timestamp: stale })).toMatch(/behind the server's clock/);
  });
});

describeEachDialect('oversized receipt reports', (dialect) => {
  const t = useTestApp(dialect, { HOOKREACH_RECEIPT_BODY_LIMIT: '4096' });

  it('refuses a body over HOOKREACH_RECEIPT_BODY_LIMIT with 413, storing nothing', async () => {
    const webhook = await createReceiptWebhook(t());
    const { messages } = await seedDelivery(t(), webhook.id, { users: 40 });
    const before = await receiptState(t());
    const report = messages.map((m) => receiptFor(m, '200'));
    expect(JSON.stringify(report).length).toBeGreaterThan(4096);
    const res = await postReceipts(t(), report);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ code: 413, message: 'The request body exceeds 4096 bytes' });
    expect(await receiptState(t())).toEqual(before);
    // Under the limit, the same receipts go through.
    const small = await postReceipts(t(), report.slice(0, 5));
    expect(small.json()).toEqual({ code: 200, message: 'Success' });
  });
});
