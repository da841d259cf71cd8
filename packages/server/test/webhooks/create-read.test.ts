import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { MEMBER_TOKEN, addMember, createWebhook, tableCounts, webhookBody } from './support.js';

describeEachDialect('Webhooks: create and read', (dialect) => {
  const t = useTestApp(dialect);
  beforeAll(async () => addMember(t()));

  it('creates an enabled webhook: 201, Location, ETag, every field, key write-only', async () => {
    const at = t().clock.now();
    const res = await t().request('POST', '/api/v1/webhooks', webhookBody());
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(res.headers.location).toBe(`/api/v1/webhooks/${body.id}`);
    expect(res.headers.etag).toBe('"1"');
    expect(body.id).toMatch(/^wh_[0-9a-z]{26}$/);
    expect(body).toEqual({
      id: body.id,
      name: 'Coupon sender',
      authMethod: 'key',
      url: 'https://crm.example.com/hook',
      idTypes: ['OPEN_ID', 'MOBILE'],
      parameters: [
        { name: 'define_item1', displayName: 'Coupon', type: 'string', required: true },
        { name: 'define_item2', displayName: 'Content', type: 'text', required: false },
      ],
      passEnvironment: false,
      receipt: { enabled: true, retentionHours: 72, statuses: [{ code: '200', value: 'Success' }, { code: 'FAIL', value: 'Failed' }] },
      delivery: { timeoutMs: 10_000, maxConcurrency: 8, maxPerSecond: 0 },
      enabled: true,
      latestTest: null,
      keySet: true,
      version: 1,
      createdAt: new Date(at).toISOString(),
      updatedAt: new Date(at).toISOString(),
    });
    expect(res.body).not.toContain('k3y-S3cret-value');
    expect(res.body).not.toMatch(/"key"\s*:/);
  });

  it('stores the key sealed, bound to the webhook, and never answers it on any read', async () => {
    const created = await createWebhook(t(), { key: 'another-Secret-42' });
    const row = await t().ctx.store.db.selectFrom('webhooks').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(row.key_sealed).toMatch(/^v1:/);
    expect(row.key_sealed).not.toContain('another-Secret-42');
    expect(t().ctx.secrets.open(row.key_sealed!, `webhook:${created.id}`)).toBe('another-Secret-42');
    expect(() => t().ctx.secrets.open(row.key_sealed!, 'webhook:wh_other')).toThrow();
    for (const url of [`/api/v1/webhooks/${created.id}`, '/api/v1/webhooks?pageSize=200']) {
      const read = await t().request('GET', url);
      expect(read.statusCode).toBe(200);
      expect(read.body).not.toContain('another-Secret-42');
      expect(read.body).not.toMatch(/"key"\s*:/);
      expect(read.body).toContain('"keySet":true');
    }
  });

  it('trims the name and display names; defaults parameters, passEnvironment and receipt when absent', async () => {
    const body = webhookBody({ name: '  Spaced  ', authMethod: 'none', idTypes: ['EMAIL'] });
    delete body.key;
    delete body.parameters;
    delete body.passEnvironment;
    delete body.receipt;
    const res = await t().request('POST', '/api/v1/webhooks', body);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      name: 'Spaced',
      authMethod: 'none',
      keySet: false,
      parameters: [],
      passEnvironment: false,
      receipt: { enabled: false, retentionHours: 72, statuses: [] },
    });
    const row = await t().ctx.store.db.selectFrom('webhooks').selectAll().where('id', '=', res.json().id).executeTakeFirstOrThrow();
    expect(row.key_sealed).toBeNull();
  });

  it('keeps a parameter-type parameter\'s parameterId and the parameter order', async () => {
    const now = t().clock.now();
    await t().ctx.store.db
      .insertInto('parameters')
      .values({ id: 'par_coupon', workspace_id: 'ws_default', name: 'coupon', kind: 'constant', description: '', settings: '{"values":[{"name":"CP1"}]}', key_sealed: null, version: 1, created_at: now, updated_at: now })
      .execute();
    const parameters = [
      { name: 'z_last', displayName: 'Z', type: 'date' },
      { name: 'coupon', displayName: 'Coupon', type: 'parameter', parameterId: 'par_coupon', required: true },
      { name: 'a_first', displayName: 'A', type: 'numeric' },
    ];
    const created = await createWebhook(t(), { parameters });
    const read = await t().request('GET', `/api/v1/webhooks/${created.id}`);
    expect(read.json().parameters).toEqual([
      { name: 'z_last', displayName: 'Z', type: 'date', required: false },
      { name: 'coupon', displayName: 'Coupon', type: 'parameter', parameterId: 'par_coupon', required: true },
      { name: 'a_first', displayName: 'A', type: 'numeric', required: false },
    ]);
  });

  it('reads one webhook with its ETag; 404 for an unknown id', async () => {
    const created = await createWebhook(t());
    const read = await t().request('GET', `/api/v1/webhooks/${created.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.headers.etag).toBe('"1"');
    expect(read.json()).toEqual(created);
    const missing = await t().request('GET', '/api/v1/webhooks/wh_nope');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toEqual({ code: 'NOT_FOUND', message: 'Webhook "wh_nope" does not exist' });
  });

  it('maps the latest_test column to its read shape, and unreadable JSON to null', async () => {
    const created = await createWebhook(t());
    const db = t().ctx.store.db;
    const stored = { ok: false, at: Date.UTC(2026, 11, 1, 2, 0, 0), idType: 'MOBILE', targetId: '13800000000', httpStatus: 500, code: 'ERR', message: 'boom' };
    await db.updateTable('webhooks').set({ latest_test: JSON.stringify(stored) }).where('id', '=', created.id).execute();
    const read = await t().request('GET', `/api/v1/webhooks/${created.id}`);
    expect(read.json().latestTest).toEqual({ ...stored, at: '2026-12-01T02:00:00.000Z' });
    await db.updateTable('webhooks').set({ latest_test: JSON.stringify({ ok: true, at: stored.at, idType: 'EMAIL', targetId: 'a@b.c' }) }).where('id', '=', created.id).execute();
    expect((await t().request('GET', `/api/v1/webhooks/${created.id}`)).json().latestTest).toEqual({ ok: true, at: '2026-12-01T02:00:00.000Z', idType: 'EMAIL', targetId: 'a@b.c' });
    await db.updateTable('webhooks').set({ latest_test: '{not json' }).where('id', '=', created.id).execute();
    expect((await t().request('GET', `/api/v1/webhooks/${created.id}`)).json().latestTest).toBeNull();
  });

  it('lets a non-admin member without role or grant neither read, preview, create nor change, changing nothing', async () => {
    const created = await createWebhook(t());
    const before = await tableCounts(t());
    // Reading needs the webhook permission and a grant (test/access covers members who have them).
    const read = await t().request('GET', `/api/v1/webhooks/${created.id}`, undefined, MEMBER_TOKEN);
    expect(read.statusCode).toBe(403);
    expect(read.json().error.code).toBe('PERMISSION_REQUIRED');
    expect((await t().request('GET', '/api/v1/webhooks', undefined, MEMBER_TOKEN)).json()).toMatchObject({ items: [], total: 0 });
    // The preview carries a real signature, so it is configuration-level access.
    expect((await t().request('GET', `/api/v1/webhooks/${created.id}/preview`, undefined, MEMBER_TOKEN)).statusCode).toBe(403);
    const attempts = [
      t().request('POST', '/api/v1/webhooks', webhookBody(), MEMBER_TOKEN),
      t().request('PUT', `/api/v1/webhooks/${created.id}`, webhookBody(), MEMBER_TOKEN),
      t().request('POST', `/api/v1/webhooks/${created.id}/disable`, undefined, MEMBER_TOKEN),
      t().request('POST', `/api/v1/webhooks/${created.id}/enable`, undefined, MEMBER_TOKEN),
      t().request('POST', `/api/v1/webhooks/${created.id}/copy`, {}, MEMBER_TOKEN),
      t().request('DELETE', `/api/v1/webhooks/${created.id}`, undefined, MEMBER_TOKEN),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('ADMIN_REQUIRED');
    }
    expect(await tableCounts(t())).toEqual(before);
    expect((await t().request('GET', `/api/v1/webhooks/${created.id}`)).json()).toEqual(created);
  });

  it('answers 401 without a token', async () => {
    const res = await t().request('GET', '/api/v1/webhooks', undefined, null);
    expect(res.statusCode).toBe(401);
  });
});

describe('Webhooks: OpenAPI', () => {
  const t = useTestApp('sqlite');

  it('names the webhook schemas in the OpenAPI document', async () => {
    const res = await t().app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Webhook', 'WebhookInput', 'WebhookPage', 'WebhookPreview', 'WebhookCopyInput']));
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/webhooks', '/api/v1/webhooks/{id}', '/api/v1/webhooks/{id}/preview']));
  });
});

describeEachDialect('Webhooks: delivery settings', (dialect) => {
  const t = useTestApp(dialect);

  it('stores timeout, concurrency and rate, and refuses values out of bounds', async () => {
    const base = { name: 'Limits', authMethod: 'none', url: 'https://crm.example.com/hook', idTypes: ['OPEN_ID'] };
    const ok = await t().request('POST', '/api/v1/webhooks', { ...base, delivery: { timeoutMs: 3000, maxConcurrency: 2, maxPerSecond: 5 } });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().delivery).toEqual({ timeoutMs: 3000, maxConcurrency: 2, maxPerSecond: 5 });
    const bad = await t().request('POST', '/api/v1/webhooks', { ...base, delivery: { timeoutMs: 20_000, maxConcurrency: 0, maxPerSecond: -1 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.map((d: { path: string }) => d.path).sort()).toEqual(['delivery.maxConcurrency', 'delivery.maxPerSecond', 'delivery.timeoutMs']);
  });
});
