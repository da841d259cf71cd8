import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { createWebhook, KEY, startRecorder, storedState, testSend } from './support.js';

describeEachDialect('Test send: body and parameter values', (dialect) => {
  const t = useTestApp(dialect);
  let receiver: Awaited<ReturnType<typeof startRecorder>>;
  let webhookId: string;
  let couponsId: string;
  let storesId: string;

  /** The `params` the receiver got in its last request. */
  const lastParams = () => JSON.parse(receiver.requests.at(-1)!.body.toString('utf8'))[0].params as Record<string, string>;

  beforeAll(async () => {
    receiver = await startRecorder(KEY);
    const coupons = await t().request('POST', '/api/v1/parameters', {
      kind: 'constant',
      name: 'Coupons',
      values: [{ name: 'C42', displayName: '42% off' }, { name: 'C10', displayName: '10% off' }],
    });
    expect(coupons.statusCode, coupons.body).toBe(201);
    couponsId = coupons.json().id;
    const stores = await t().request('POST', '/api/v1/parameters', { kind: 'interface', name: 'Stores', url: receiver.url('/options'), authMethod: 'none' });
    expect(stores.statusCode, stores.body).toBe(201);
    storesId = stores.json().id;
    webhookId = (
      await createWebhook(t(), {
        url: receiver.url('/ok'),
        parameters: [
          { name: 'title', displayName: 'Title', type: 'string', required: true },
          { name: 'amount', displayName: 'Amount', type: 'numeric' },
          { name: 'content', displayName: 'Content', type: 'text' },
          { name: 'valid_until', displayName: 'Valid until', type: 'date' },
          { name: 'coupon', displayName: 'Coupon', type: 'parameter', parameterId: couponsId },
          { name: 'store', displayName: 'Store', type: 'parameter', parameterId: storesId },
        ],
      })
    ).id;
  });
  afterAll(async () => {
    await receiver?.close();
  });
  beforeEach(() => {
    receiver.requests.length = 0;
  });

  /** Sends a body that must be refused: 400, nothing sent, nothing stored; returns the details. */
  async function refused(body: unknown): Promise<{ path: string; message: string }[]> {
    const before = await storedState(t(), webhookId);
    const res = await testSend(t(), webhookId, body);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION');
    expect(receiver.requests.filter((r) => !r.url.startsWith('/options'))).toHaveLength(0);
    expect(await storedState(t(), webhookId)).toEqual(before);
    return res.json().error.details;
  }

  it('sends every value as its wire string, in the configured order, "" for optional ones not given', async () => {
    const res = await testSend(t(), webhookId, {
      idType: 'OPEN_ID',
      targetId: '1917810',
      params: { store: 'S2', coupon: 'C42', amount: 1e21, valid_until: '2026-12-01T09:00:00+08:00', title: 'Winter sale' },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().success).toBe(true);
    expect(JSON.stringify(lastParams())).toBe(
      JSON.stringify({ title: 'Winter sale', amount: '1000000000000000000000', content: '', valid_until: '2026-12-01T09:00:00+08:00', coupon: 'C42', store: 'S2' }),
    );
  });

  it('keeps text placeholders and decimal strings exactly as given', async () => {
    const res = await testSend(t(), webhookId, {
      idType: 'MOBILE',
      targetId: '13800000000',
      params: { title: 'T', amount: '-0012.50', content: 'Hello ${name}, your coupon ${coupon} expires ${valid_until}', valid_until: '2026-02-28T23:59:59Z' },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(lastParams()).toMatchObject({ amount: '-0012.50', content: 'Hello ${name}, your coupon ${coupon} expires ${valid_until}', valid_until: '2026-02-28T23:59:59Z' });
  });

  it('asks the interface for its options now, and accepts only one of them', async () => {
    expect((await testSend(t(), webhookId, { idType: 'OPEN_ID', targetId: '1', params: { title: 'T', store: 'S1' } })).statusCode).toBe(201);
    expect(receiver.requests.map((r) => new URL(r.url, 'http://x').pathname)).toEqual(['/options', '/ok']);
    receiver.requests.length = 0;
    expect(await refused({ idType: 'OPEN_ID', targetId: '1', params: { title: 'T', store: 'S9' } })).toEqual([{ path: 'params.store', message: '"S9" is not one of the parameter\'s options' }]);
  });

  it('gives an interface the value chosen for the parameter it is associated with (cascading)', async () => {
    const city = await t().request('POST', '/api/v1/parameters', { kind: 'constant', name: 'City', values: [{ name: 'BJ', displayName: 'Beijing' }, { name: 'SH', displayName: 'Shanghai' }] });
    const stores = await t().request('POST', '/api/v1/parameters', {
      kind: 'interface',
      name: 'Stores by city',
      url: receiver.url('/options'),
      authMethod: 'none',
      associatedParameters: [{ name: 'city', displayName: 'City', source: 'parameter', parameterId: city.json().id }],
    });
    expect(stores.statusCode, stores.body).toBe(201);
    const webhook = await createWebhook(t(), {
      url: receiver.url('/ok'),
      parameters: [
        { name: 'store', displayName: 'Store', type: 'parameter', parameterId: stores.json().id },
        { name: 'city', displayName: 'City', type: 'parameter', parameterId: city.json().id },
      ],
    });
    const res = await testSend(t(), webhook.id, { idType: 'OPEN_ID', targetId: '1', params: { city: 'BJ', store: 'S2' } });
    expect(res.statusCode, res.body).toBe(201);
    const asked = receiver.requests.find((r) => r.url.startsWith('/options'))!;
    expect(JSON.parse(asked.body.toString('utf8')).associatedParameters).toEqual({ city: 'BJ' });
    expect(lastParams()).toEqual({ store: 'S2', city: 'BJ' });
  });

  it('reports every problem at once', async () => {
    const details = await refused({
      idType: 'EMAIL',
      targetId: ' 1917810',
      params: { unknown_one: 'x', amount: '12,5', content: 'x'.repeat(4001), valid_until: '2026-12-01', coupon: 'C99', store: 'S1' },
    });
    expect(details).toEqual([
      { path: 'idType', message: 'must be one of the webhook\'s ID types: OPEN_ID, MOBILE' },
      { path: 'targetId', message: 'must not start or end with whitespace' },
      { path: 'params.unknown_one', message: 'is not a parameter of this webhook' },
      { path: 'params.title', message: 'is required' },
      { path: 'params.amount', message: 'must be a decimal number such as 12 or -12.5 (no exponent, spaces or thousands separators)' },
      { path: 'params.content', message: 'must be at most 4000 characters' },
      { path: 'params.valid_until', message: 'must be a date-time such as 2026-12-01T09:00:00+08:00 (yyyy-MM-ddTHH:mm:ss and an offset or Z)' },
      { path: 'params.coupon', message: '"C99" is not one of the parameter\'s options' },
    ]);
  });

  it.each([
    [{ title: '   ' }, 'params.title', 'is required and must not be blank'],
    [{ title: 'T', amount: '1e5' }, 'params.amount', 'must be a decimal number such as 12 or -12.5 (no exponent, spaces or thousands separators)'],
    [{ title: 'T', amount: ' 12' }, 'params.amount', 'must be a decimal number such as 12 or -12.5 (no exponent, spaces or thousands separators)'],
    [{ title: 7 }, 'params.title', 'must be a string'],
    [{ title: 'T', amount: true }, 'params.amount', 'must be a decimal number (a string or a JSON number)'],
    [{ title: 'T', content: null }, 'params.content', 'must be a string'],
    [{ title: 'x'.repeat(1001) }, 'params.title', 'must be at most 1000 characters'],
    [{ title: 'T', valid_until: '2026-02-30T09:00:00+08:00' }, 'params.valid_until', 'must be a date-time such as 2026-12-01T09:00:00+08:00 (yyyy-MM-ddTHH:mm:ss and an offset or Z)'],
  ])('refuses params %j', async (params, path, message) => {
    expect(await refused({ idType: 'OPEN_ID', targetId: '1', params })).toEqual([{ path, message }]);
  });

  it('accepts the longest values (counted in characters)', async () => {
    const res = await testSend(t(), webhookId, { idType: 'OPEN_ID', targetId: 'x'.repeat(256), params: { title: '😀'.repeat(1000), content: 'y'.repeat(4000) } });
    expect(res.statusCode, res.body).toBe(201);
    expect(lastParams().title).toBe('😀'.repeat(1000));
  });

  it.each([
    [{ idType: 'OPEN_ID' }, [{ path: 'targetId', message: 'is required' }]],
    [{ idType: 'OPEN_ID', targetId: '' }, [{ path: 'targetId', message: 'must NOT have fewer than 1 characters' }]],
    [{ idType: 'OPEN_ID', targetId: 'x'.repeat(257) }, [{ path: 'targetId', message: 'must NOT have more than 256 characters' }]],
    [{ idType: 'OPEN_ID', targetId: '1', extra: true }, [{ path: 'extra', message: 'is not an allowed field' }]],
    [{ idType: 'OPEN_ID', targetId: '1', params: [] }, [{ path: 'params', message: 'must be object' }]],
  ])('checks the body\'s shape first: %j', async (body, details) => {
    expect(await refused(body)).toEqual(details);
  });

  it('refuses a blank customerId', async () => {
    expect(await refused({ idType: 'OPEN_ID', targetId: '1', customerId: ' ', params: { title: 'T' } })).toEqual([{ path: 'customerId', message: 'must not be blank' }]);
  });

  it('answers the interface\'s 502 when it cannot give its options, and sends nothing', async () => {
    const broken = await t().request('POST', '/api/v1/parameters', { kind: 'interface', name: 'Broken', url: receiver.url('/options-broken'), authMethod: 'none' });
    const webhook = await createWebhook(t(), {
      url: receiver.url('/ok'),
      parameters: [{ name: 'store', displayName: 'Store', type: 'parameter', parameterId: broken.json().id }],
    });
    const before = await storedState(t(), webhook.id);
    const res = await testSend(t(), webhook.id, { idType: 'OPEN_ID', targetId: '1', params: { store: 'S1' } });
    expect(res.statusCode).toBe(502);
    expect(res.json().error.code).toBe('INTERFACE_FAILED');
    expect(res.json().error.message).toContain('HTTP status 503 is not 2xx');
    expect(receiver.requests.map((r) => new URL(r.url, 'http://x').pathname)).toEqual(['/options-broken']);
    expect(await storedState(t(), webhook.id)).toEqual(before);
    // Without a value to check, the interface is not asked at all.
    expect((await testSend(t(), webhook.id, { idType: 'OPEN_ID', targetId: '1' })).statusCode).toBe(201);
  });
});
