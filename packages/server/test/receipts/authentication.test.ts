import { expect, it } from 'vitest';
import { makeSignature } from '@hookreach/protocol';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { createReceiptWebhook, KEY, postReceipts, receiptFor, receiptState, seedDelivery } from './support.js';

const nonces = async (t: ReturnType<ReturnType<typeof useTestApp>>) =>
  (await t.ctx.store.db.selectFrom('receipt_nonces').select('nonce').execute()).map((r) => r.nonce).sort();

describeEachDialect('receipt report authentication', (dialect) => {
  const t = useTestApp(dialect);

  /** Sends `report` with `options`, expects a 401 whose message matches `reason`, and that nothing was stored. */
  async function refused(report: unknown, options: Parameters<typeof postReceipts>[2], reason: string | RegExp): Promise<void> {
    const before = await receiptState(t());
    const noncesBefore = await nonces(t());
    const res = await postReceipts(t(), report, options);
    expect(res.statusCode, res.body).toBe(401);
    expect(res.json().code).toBe(401);
    expect(Object.keys(res.json()).sort()).toEqual(['code', 'message']);
    expect(res.json().message).toMatch(typeof reason === 'string' ? new RegExp(reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : reason);
    expect(await receiptState(t())).toEqual(before);
    // No nonce is recorded for a refused report (expired ones may have been purged meanwhile).
    expect((await nonces(t())).filter((n) => !noncesBefore.includes(n))).toEqual([]);
  }

  async function oneReceipt(overrides: Record<string, unknown> = {}) {
    const webhook = await createReceiptWebhook(t(), overrides);
    const { messages } = await seedDelivery(t(), webhook.id, { users: 1 });
    return { webhook, report: [receiptFor(messages[0]!, '200')] };
  }

  it('refuses a wrong signature, a signature of another key, and a missing header', async () => {
    const { webhook, report } = await oneReceipt();
    await refused(report, { signature: 'f'.repeat(64) }, `the signature does not match the key of webhook "${webhook.id}"`);
    await refused(report, { key: 'another-key' }, 'the signature does not match the key');
    await refused(report, { signature: 'not-hex' }, 'the signature does not match the key');
    await refused(report, { signature: null }, 'the X-QA-Hmac-Signature header is missing');
  });

  it('refuses an empty signature header for a webhook with a key', async () => {
    const { webhook, report } = await oneReceipt();
    await refused(report, { key: null }, `webhook "${webhook.id}" requires a signature made with its key`);
  });

  it('refuses a signature sent for a webhook without authentication', async () => {
    const { webhook, report } = await oneReceipt({ authMethod: 'none', key: undefined });
    await refused(report, { key: KEY }, `webhook "${webhook.id}" has no authentication, so X-QA-Hmac-Signature must be ""`);
  });

  it('accepts the signature in any hex case, computed over the raw timestamp text', async () => {
    const { report } = await oneReceipt();
    const timestamp = String(Math.floor(t().clock.now() / 1000));
    const nonce = 'Mixed-Case_nonce.42';
    const res = await postReceipts(t(), report, { timestamp, nonce, signature: makeSignature(KEY, timestamp, nonce).toUpperCase() });
    expect(res.json()).toEqual({ code: 200, message: 'Success' });
  });

  it('refuses stale and future timestamps outside the ±300 s window, accepting its edges', async () => {
    const nowS = Math.floor(t().clock.now() / 1000);
    const { report } = await oneReceipt();
    await refused(report, { timestamp: String(nowS - 301) }, 'is 301 s behind the server\'s clock; the window is ±300 s');
    await refused(report, { timestamp: String(nowS + 301) }, 'is 301 s ahead of the server\'s clock; the window is ±300 s');
    await refused(report, { timestamp: String((nowS - 400) * 1000) }, 'is 400 s behind');
    await refused(report, { timestamp: '' }, 'timestamp must be a UNIX time in seconds');
    await refused(report, { timestamp: '17e8' }, 'timestamp must be a UNIX time in seconds');
    await refused(report, { timestamp: '-5' }, 'timestamp must be a UNIX time in seconds');
    const edge = await postReceipts(t(), report, { timestamp: String(nowS + 300) });
    expect(edge.json()).toEqual({ code: 200, message: 'Success' });
    const { report: other } = await oneReceipt();
    const past = await postReceipts(t(), other, { timestamp: String(nowS - 300) });
    expect(past.json()).toEqual({ code: 200, message: 'Success' });
  });

  it('refuses a missing timestamp or nonce and a malformed nonce', async () => {
    const { report } = await oneReceipt();
    const res = await t().app.inject({ method: 'POST', url: '/restapi/marketing2/webhook/receiveWebHookCallBack', headers: { 'x-qa-hmac-signature': '' }, payload: report });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ code: 401, message: 'The receipt report is not authenticated: the timestamp query parameter is missing' });
    const noNonce = await t().app.inject({ method: 'POST', url: `/restapi/marketing2/webhook/receiveWebHookCallBack?timestamp=${Math.floor(t().clock.now() / 1000)}`, headers: { 'x-qa-hmac-signature': '' }, payload: report });
    expect(noNonce.json()).toEqual({ code: 401, message: 'The receipt report is not authenticated: the nonce query parameter is missing' });
    await refused(report, { nonce: 'has space' }, 'nonce must be 1 to 64 printable ASCII characters');
    await refused(report, { nonce: 'n'.repeat(65) }, 'nonce must be 1 to 64 printable ASCII characters');
  });

  it('refuses a nonce reused within the window, even with a new signature, and records only authenticated nonces', async () => {
    const { report } = await oneReceipt();
    const nonce = 'c'.repeat(32);
    await refused(report, { nonce, key: 'wrong-key' }, 'the signature does not match');
    expect(await nonces(t())).not.toContain(nonce);
    const first = await postReceipts(t(), report, { nonce });
    expect(first.json()).toEqual({ code: 200, message: 'Success' });
    expect(await nonces(t())).toContain(nonce);
    const { report: next } = await oneReceipt();
    t().clock.advance(1000);
    await refused(next, { nonce }, `nonce "${nonce}" was already used`);
    // A replay of the very same request is refused too.
    const timestamp = String(Math.floor(t().clock.now() / 1000));
    await refused(next, { nonce, timestamp }, 'was already used');
  });

  it('lets a nonce be used again once its timestamp window has passed, and purges expired nonces', async () => {
    const { report } = await oneReceipt();
    const nonce = 'd'.repeat(32);
    expect((await postReceipts(t(), report, { nonce })).json().code).toBe(200);
    t().clock.advance(301_000);
    const { report: later } = await oneReceipt();
    expect((await postReceipts(t(), later, { nonce })).json()).toEqual({ code: 200, message: 'Success' });
    const row = await t().ctx.store.db.selectFrom('receipt_nonces').selectAll().where('nonce', '=', nonce).executeTakeFirstOrThrow();
    expect(row.expires_at).toBe(Math.floor(t().clock.now() / 1000) * 1000 + 300_000);
    t().clock.advance(3_600_000);
    const { report: much } = await oneReceipt();
    expect((await postReceipts(t(), much)).json().code).toBe(200);
    expect(await nonces(t())).not.toContain(nonce);
    expect((await nonces(t())).length).toBe(1);
  });

  it('refuses a report naming webhooks with different keys, or no existing webhook', async () => {
    const a = await oneReceipt();
    const b = await oneReceipt({ key: 'a-different-key' });
    await refused([...a.report, ...b.report], {}, `the signature does not match the key of webhook "${b.webhook.id}"`);
    const none = await oneReceipt({ authMethod: 'none', key: undefined });
    await refused([...a.report, ...none.report], {}, `webhook "${none.webhook.id}" has no authentication`);
    const ghost = [{ ...a.report[0]!, callback_params: { ...a.report[0]!.callback_params, webhook_id: 'wh_ghost' } }];
    await refused(ghost, {}, 'no receipt names an existing webhook');
  });
});
