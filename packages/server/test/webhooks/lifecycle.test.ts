import { sql } from 'kysely';
import { expect, it, vi } from 'vitest';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp, type TestApp } from '../support/test-app.js';
import { createDisabled, createWebhook, send, storedState, tableCounts } from './support.js';

const url = (id: string) => `/api/v1/webhooks/${id}`;

async function addUsage(t: TestApp, webhookId: string, kind: 'task' | 'journey', id: string, name: string): Promise<void> {
  await t.ctx.store.db.insertInto('webhook_usages').values({ webhook_id: webhookId, owner_kind: kind, owner_id: id, owner_name: name }).execute();
}

describeEachDialect('Webhooks: enable, disable, copy, delete', (dialect) => {
  const t = useTestApp(dialect);

  it('disables and enables idempotently, bumping the version only on a change', async () => {
    const webhook = await createWebhook(t());
    const off = await t().request('POST', `${url(webhook.id)}/disable`);
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({ enabled: false, version: 2 });
    expect(off.headers.etag).toBe('"2"');
    const again = await t().request('POST', `${url(webhook.id)}/disable`);
    expect(again.json()).toEqual(off.json());
    const on = await t().request('POST', `${url(webhook.id)}/enable`);
    expect(on.json()).toMatchObject({ enabled: true, version: 3 });
    expect((await t().request('POST', `${url(webhook.id)}/enable`)).json().version).toBe(3);
    expect((await t().request('GET', url(webhook.id))).json().enabled).toBe(true);
    for (const action of ['enable', 'disable']) expect((await t().request('POST', `${url('wh_missing')}/${action}`)).statusCode).toBe(404);
  });

  it('copies into a disabled webhook with the same settings, parameters, statuses and key', async () => {
    const source = await createWebhook(t(), { key: 'copy-me-key', passEnvironment: true });
    const res = await t().request('POST', `${url(source.id)}/copy`, {});
    expect(res.statusCode, res.body).toBe(201);
    const copy = res.json();
    expect(res.headers.location).toBe(url(copy.id));
    expect(copy.id).not.toBe(source.id);
    expect(copy).toEqual({
      ...source,
      id: copy.id,
      name: 'Coupon sender (copy)',
      enabled: false,
      version: 1,
      createdAt: new Date(t().clock.now()).toISOString(),
      updatedAt: new Date(t().clock.now()).toISOString(),
    });
    expect(copy.keySet).toBe(true);
    expect(res.body).not.toContain('copy-me-key');
    const rows = await t().ctx.store.db.selectFrom('webhooks').select(['id', 'key_sealed']).where('id', 'in', [source.id, copy.id]).execute();
    const sealed = new Map(rows.map((r) => [r.id, r.key_sealed!]));
    // Re-sealed for the new id: it opens under the copy's context only.
    expect(t().ctx.secrets.open(sealed.get(copy.id)!, `webhook:${copy.id}`)).toBe('copy-me-key');
    expect(() => t().ctx.secrets.open(sealed.get(copy.id)!, `webhook:${source.id}`)).toThrow();
    expect((await t().request('GET', url(source.id))).json()).toEqual(source);
  });

  it('copies with a given name, or without a body; cuts the default name to 64 characters', async () => {
    const source = await createWebhook(t(), { name: `${'x'.repeat(60)}😀😀` });
    const noBody = await t().request('POST', `${url(source.id)}/copy`);
    expect(noBody.statusCode, noBody.body).toBe(201);
    expect(noBody.json().name).toBe(`${'x'.repeat(57)} (copy)`);
    const long = await createWebhook(t(), { name: `${'y'.repeat(56)}😀😀😀` });
    const cut = (await t().request('POST', `${url(long.id)}/copy`, {})).json().name;
    expect(cut).toBe(`${'y'.repeat(56)}😀 (copy)`);
    expect(Array.from(cut)).toHaveLength(64);
    const named = await t().request('POST', `${url(source.id)}/copy`, { name: '  Spring campaign  ' });
    expect(named.json()).toMatchObject({ name: 'Spring campaign', enabled: false });
  });

  it('refuses a bad copy body or unknown webhook, writing nothing', async () => {
    const source = await createWebhook(t());
    const before = await tableCounts(t());
    const blank = await t().request('POST', `${url(source.id)}/copy`, { name: '   ' });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().error.details).toEqual([{ path: 'name', message: 'must not be blank' }]);
    const extra = await t().request('POST', `${url(source.id)}/copy`, { name: 'ok', enabled: true });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().error.details).toEqual([{ path: 'enabled', message: 'is not an allowed field' }]);
    expect((await t().request('POST', `${url('wh_missing')}/copy`, {})).statusCode).toBe(404);
    expect(await tableCounts(t())).toEqual(before);
  });

  it('refuses to delete an enabled webhook with 409 WEBHOOK_ENABLED', async () => {
    const webhook = await createWebhook(t());
    const before = await storedState(t(), webhook.id);
    const res = await t().request('DELETE', url(webhook.id));
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toEqual({ code: 'WEBHOOK_ENABLED', message: 'Disable the webhook before you delete it' });
    expect(await storedState(t(), webhook.id)).toEqual(before);
  });

  it('refuses to delete a webhook used by tasks or journeys, listing each usage', async () => {
    const webhook = await createDisabled(t());
    await addUsage(t(), webhook.id, 'journey', 'jr_1', 'Welcome journey');
    await addUsage(t(), webhook.id, 'task', 'tk_2', 'Spring coupons');
    await addUsage(t(), webhook.id, 'task', 'tk_1', 'Autumn coupons');
    const before = await storedState(t(), webhook.id);
    const res = await t().request('DELETE', url(webhook.id));
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toEqual({
      code: 'WEBHOOK_IN_USE',
      message: 'The webhook is used by task "Autumn coupons", task "Spring coupons", journey "Welcome journey"',
      details: [
        { kind: 'task', id: 'tk_1', name: 'Autumn coupons' },
        { kind: 'task', id: 'tk_2', name: 'Spring coupons' },
        { kind: 'journey', id: 'jr_1', name: 'Welcome journey' },
      ],
    });
    expect(await storedState(t(), webhook.id)).toEqual(before);
    await t().ctx.store.db.deleteFrom('webhook_usages').where('webhook_id', '=', webhook.id).execute();
    expect((await t().request('DELETE', url(webhook.id))).statusCode).toBe(204);
  });

  it('deletes a disabled, unused webhook with its parameters and statuses: 204, then 404', async () => {
    const webhook = await createDisabled(t());
    const res = await send(t(), 'DELETE', url(webhook.id), undefined, { 'if-match': `"${webhook.version}"` });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(await storedState(t(), webhook.id)).toEqual({ row: undefined, parameters: [], statuses: [] });
    expect((await t().request('GET', url(webhook.id))).statusCode).toBe(404);
    expect((await t().request('DELETE', url(webhook.id))).statusCode).toBe(404);
  });

  it('reports a usage added between the checks and the delete as WEBHOOK_IN_USE, deleting nothing', async () => {
    const webhook = await createDisabled(t());
    await addUsage(t(), webhook.id, 'task', 'tk_late', 'Late task');
    const db = t().ctx.store.db;
    const realSelectFrom = db.selectFrom.bind(db) as (table: string) => ReturnType<typeof db.selectFrom<'webhook_usages'>>;
    let hidden = false;
    // The first usage check runs before the task saved its usage: it sees none. The guarded delete must still refuse.
    const spy = vi.spyOn(db, 'selectFrom').mockImplementation(((table: string) => {
      if (table !== 'webhook_usages' || hidden) return realSelectFrom(table);
      hidden = true;
      return realSelectFrom(table).where(sql<boolean>`1 = 0`);
    }) as never);
    try {
      const before = await storedState(t(), webhook.id);
      const res = await t().request('DELETE', url(webhook.id));
      expect(hidden).toBe(true);
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json().error).toMatchObject({ code: 'WEBHOOK_IN_USE', details: [{ kind: 'task', id: 'tk_late', name: 'Late task' }] });
      expect(await storedState(t(), webhook.id)).toEqual(before);
    } finally {
      spy.mockRestore();
    }
  });

  it('refuses a delete whose If-Match names an old version', async () => {
    const webhook = await createDisabled(t());
    const before = await storedState(t(), webhook.id);
    const res = await send(t(), 'DELETE', url(webhook.id), undefined, { 'if-match': '"1"' });
    expect(res.statusCode).toBe(412);
    expect(await storedState(t(), webhook.id)).toEqual(before);
  });
});
