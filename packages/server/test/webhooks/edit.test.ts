import { expect, it, vi } from 'vitest';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { createDisabled, createWebhook, send, setIdType, storedState, webhookBody } from './support.js';

const url = (id: string) => `/api/v1/webhooks/${id}`;

describeEachDialect('Webhooks: edit', (dialect) => {
  const t = useTestApp(dialect);

  /** PUTs `body`, expects `status` and `code`, and proves the stored webhook did not change. */
  const refusedEdit = async (id: string, body: unknown, status: number, code: string, headers: Record<string, string> = {}) => {
    const before = await storedState(t(), id);
    const res = await send(t(), 'PUT', url(id), body, headers);
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json().error.code).toBe(code);
    expect(await storedState(t(), id)).toEqual(before);
    return res.json().error;
  };

  it('refuses to edit an enabled webhook with 409 WEBHOOK_ENABLED', async () => {
    const created = await createWebhook(t());
    const error = await refusedEdit(created.id, webhookBody({ name: 'Renamed' }), 409, 'WEBHOOK_ENABLED');
    expect(error.message).toBe('Disable the webhook before you edit it');
  });

  it('edits a disabled webhook: full replacement, new version and ETag, updatedAt from the clock', async () => {
    const webhook = await createDisabled(t());
    t().clock.advance(5_000);
    const body = webhookBody({
      name: 'Renamed',
      url: 'https://crm.example.com/v2/hook',
      idTypes: ['EMAIL'],
      parameters: [{ name: 'amount', displayName: 'Amount', type: 'numeric', required: true }],
      passEnvironment: true,
    });
    const res = await send(t(), 'PUT', url(webhook.id), body, { 'if-match': `"${webhook.version}"` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers.etag).toBe(`"${webhook.version + 1}"`);
    expect(res.json()).toEqual({
      ...webhook,
      name: 'Renamed',
      url: 'https://crm.example.com/v2/hook',
      idTypes: ['EMAIL'],
      parameters: [{ name: 'amount', displayName: 'Amount', type: 'numeric', required: true }],
      passEnvironment: true,
      version: webhook.version + 1,
      updatedAt: new Date(t().clock.now()).toISOString(),
    });
    expect(res.body).not.toContain('k3y-S3cret-value');
    expect((await t().request('GET', url(webhook.id))).json()).toEqual(res.json());
  });

  it('keeps the stored key when key is omitted, replaces it when sent, drops it when switching to none', async () => {
    const webhook = await createDisabled(t(), { key: 'original-key' });
    const open = async () => {
      const row = await t().ctx.store.db.selectFrom('webhooks').select('key_sealed').where('id', '=', webhook.id).executeTakeFirstOrThrow();
      return row.key_sealed === null ? null : t().ctx.secrets.open(row.key_sealed, `webhook:${webhook.id}`);
    };
    const keep = webhookBody({ name: 'Kept key' });
    delete keep.key;
    expect((await t().request('PUT', url(webhook.id), keep)).json().keySet).toBe(true);
    expect(await open()).toBe('original-key');

    const replaced = await t().request('PUT', url(webhook.id), webhookBody({ key: 'replacement-key' }));
    expect(replaced.statusCode).toBe(200);
    expect(replaced.body).not.toContain('replacement-key');
    expect(await open()).toBe('replacement-key');

    const none = webhookBody({ authMethod: 'none' });
    delete none.key;
    const dropped = await t().request('PUT', url(webhook.id), none);
    expect(dropped.json()).toMatchObject({ authMethod: 'none', keySet: false });
    expect(await open()).toBeNull();

    // Back to key auth: there is no stored key to keep any more.
    const error = await refusedEdit(webhook.id, keep, 400, 'VALIDATION');
    expect(error.details).toEqual([{ path: 'key', message: 'is required when authMethod is key' }]);
  });

  it('answers 404 for an unknown webhook', async () => {
    const res = await t().request('PUT', url('wh_missing'), webhookBody());
    expect(res.statusCode).toBe(404);
  });

  it('answers 412 when If-Match names an old version, changing nothing', async () => {
    const webhook = await createDisabled(t());
    await refusedEdit(webhook.id, webhookBody({ name: 'Stale' }), 412, 'PRECONDITION_FAILED', { 'if-match': '"1"' });
    await refusedEdit(webhook.id, webhookBody({ name: 'Weak' }), 412, 'PRECONDITION_FAILED', { 'if-match': `W/"${webhook.version}"` });
    const star = await send(t(), 'PUT', url(webhook.id), webhookBody({ name: 'Any' }), { 'if-match': '*' });
    expect(star.statusCode).toBe(200);
  });

  it('lets exactly one of two concurrent edits with the same If-Match win; the other gets 412', async () => {
    const webhook = await createDisabled(t());
    const ifMatch = { 'if-match': `"${webhook.version}"` };
    const results = await Promise.all([
      send(t(), 'PUT', url(webhook.id), webhookBody({ name: 'Edit A' }), ifMatch),
      send(t(), 'PUT', url(webhook.id), webhookBody({ name: 'Edit B' }), ifMatch),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 412]);
    const winner = results.find((r) => r.statusCode === 200)!.json();
    const loser = results.find((r) => r.statusCode === 412)!.json();
    expect(loser.error.code).toBe('PRECONDITION_FAILED');
    const stored = (await t().request('GET', url(webhook.id))).json();
    expect(stored).toEqual(winner);
    expect(stored.version).toBe(webhook.version + 1);
  });

  it('answers 409 CONCURRENT_MODIFICATION when another write lands between the read and the guarded update', async () => {
    const webhook = await createDisabled(t());
    const db = t().ctx.store.db;
    const realTransaction = db.transaction.bind(db);
    // Another writer commits a new version just before this edit's transaction runs.
    const spy = vi.spyOn(db, 'transaction').mockImplementationOnce(() => {
      const builder = realTransaction();
      return {
        execute: async (fn: never) => {
          await db.updateTable('webhooks').set({ name: 'Other writer', version: webhook.version + 1 }).where('id', '=', webhook.id).execute();
          return builder.execute(fn);
        },
      } as never;
    });
    try {
      const before = await storedState(t(), webhook.id);
      const res = await t().request('PUT', url(webhook.id), webhookBody({ name: 'Lost update' }));
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json().error.code).toBe('CONCURRENT_MODIFICATION');
      expect(spy).toHaveBeenCalled();
      const after = (await storedState(t(), webhook.id)) as { row: { name: string; version: number } };
      expect(after.row).toMatchObject({ name: 'Other writer', version: webhook.version + 1 });
      expect({ ...after, row: undefined }).toEqual({ ...(before as object), row: undefined });
    } finally {
      spy.mockRestore();
    }
  });

  it('keeps an ID type disabled since creation, but refuses to add a disabled one', async () => {
    const webhook = await createDisabled(t(), { idTypes: ['OPEN_ID', 'TAOBAO_ID'] });
    await setIdType(t(), 'TAOBAO_ID', false);
    await setIdType(t(), 'IDFA', false);
    try {
      const kept = await t().request('PUT', url(webhook.id), webhookBody({ idTypes: ['TAOBAO_ID', 'OPEN_ID'] }));
      expect(kept.statusCode, kept.body).toBe(200);
      expect(kept.json().idTypes).toEqual(['TAOBAO_ID', 'OPEN_ID']);
      const error = await refusedEdit(webhook.id, webhookBody({ idTypes: ['TAOBAO_ID', 'IDFA'] }), 400, 'VALIDATION');
      expect(error.details).toEqual([{ path: 'idTypes[1]', message: '"IDFA" is disabled in ID Type Management' }]);
    } finally {
      await setIdType(t(), 'TAOBAO_ID', true);
      await setIdType(t(), 'IDFA', true);
    }
  });

  it('locks saved receipt statuses: adding and reordering are fine, changing or removing is 409', async () => {
    const webhook = await createDisabled(t());
    const saved = [{ code: '200', value: 'Success' }, { code: 'FAIL', value: 'Failed' }];
    const changed = await refusedEdit(
      webhook.id,
      webhookBody({ receipt: { enabled: true, statuses: [{ code: '200', value: 'OK' }, saved[1]] } }),
      409,
      'RECEIPT_STATUS_LOCKED',
    );
    expect(changed.message).toBe('Saved receipt statuses cannot be changed or removed: 200');
    expect(changed.details).toEqual([{ path: 'receipt.statuses', message: 'status "200" was changed or removed' }]);

    const removed = await refusedEdit(webhook.id, webhookBody({ receipt: { enabled: true, statuses: [saved[0]] } }), 409, 'RECEIPT_STATUS_LOCKED');
    expect(removed.message).toContain('FAIL');

    const absent = webhookBody();
    delete absent.receipt;
    const dropped = await refusedEdit(webhook.id, absent, 409, 'RECEIPT_STATUS_LOCKED');
    expect(dropped.details).toHaveLength(2);

    const duplicate = await refusedEdit(webhook.id, webhookBody({ receipt: { enabled: true, statuses: [...saved, { code: 'FAIL', value: 'Failed' }] } }), 400, 'VALIDATION');
    expect(duplicate.details).toEqual([{ path: 'receipt.statuses[2].code', message: 'duplicates receipt.statuses[1].code' }]);

    const grown = await t().request('PUT', url(webhook.id), webhookBody({ receipt: { enabled: true, statuses: [{ code: 'READ', value: 'Read' }, saved[1], saved[0]] } }));
    expect(grown.statusCode, grown.body).toBe(200);
    expect(grown.json().receipt.statuses).toEqual([{ code: 'READ', value: 'Read' }, saved[1], saved[0]]);

    // Turning receipts off keeps the statuses: they must still be listed, and they still read back.
    const off = await t().request('PUT', url(webhook.id), webhookBody({ receipt: { enabled: false, statuses: [saved[0], saved[1], { code: 'READ', value: 'Read' }] } }));
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json().receipt).toEqual({ enabled: false, retentionHours: 72, statuses: [saved[0], saved[1], { code: 'READ', value: 'Read' }] });
    await refusedEdit(webhook.id, webhookBody({ receipt: { enabled: false, statuses: [] } }), 409, 'RECEIPT_STATUS_LOCKED');
  });

  it('answers every semantic error of an edit at once, changing nothing', async () => {
    const webhook = await createDisabled(t());
    const error = await refusedEdit(
      webhook.id,
      webhookBody({ name: ' ', url: 'https://x.example/#a', idTypes: ['OPEN_ID', 'OPEN_ID'], receipt: { enabled: true, statuses: [{ code: '200', value: 'Success' }, { code: 'FAIL', value: 'Failed' }, { code: 'x', value: ' ' }] } }),
      400,
      'VALIDATION',
    );
    expect(error.details.map((d: { path: string }) => d.path)).toEqual(['name', 'url', 'idTypes[1]', 'receipt.statuses[2].value']);
  });
});
