import { expect, it } from 'vitest';
import { ADMIN_MEMBER_ID } from '../../src/access/bootstrap.js';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { createWebhook, webhookBody } from '../webhooks/support.js';
import { auditLog, entriesOf, rawAuditText } from './support.js';

const url = (id: string) => `/api/v1/webhooks/${id}`;
const FIRST_KEY = 'k3y-S3cret-value';
const SECOND_KEY = 'n3w-K3y-0f-the-webhook';

describeEachDialect('Audit log: webhook changes', (dialect) => {
  const t = useTestApp(dialect);

  it('records create, disable, edit, enable, copy and delete with who, when, before and after', async () => {
    const createdAt = t().clock.now();
    const created = await createWebhook(t(), { key: FIRST_KEY });
    const [creation] = await entriesOf(t(), 'webhook', created.id);
    expect(creation).toEqual({
      id: expect.stringMatching(/^aud_/),
      at: new Date(createdAt).toISOString(),
      actor: { id: ADMIN_MEMBER_ID, name: 'Administrator' },
      action: 'create',
      resourceType: 'webhook',
      resourceId: created.id,
      before: null,
      after: created,
    });
    expect(creation!.after).toMatchObject({ keySet: true });
    expect(creation!.after).not.toHaveProperty('key');

    const disabled = (await t().request('POST', `${url(created.id)}/disable`)).json();
    // Idempotent: disabling again changes nothing, so records nothing.
    expect((await t().request('POST', `${url(created.id)}/disable`)).statusCode).toBe(200);
    t().clock.advance(1000);

    const statuses = [{ code: '200', value: 'Success' }, { code: 'FAIL', value: 'Failed' }, { code: 'LATE', value: 'Arrived late' }];
    const editBody = webhookBody({ name: 'Coupon sender v2', key: SECOND_KEY, receipt: { enabled: true, retentionHours: 48, statuses } });
    const edit = await t().request('PUT', url(created.id), editBody);
    expect(edit.statusCode, edit.body).toBe(200);
    const edited = edit.json();
    t().clock.advance(1000);
    const enabled = (await t().request('POST', `${url(created.id)}/enable`)).json();
    t().clock.advance(1000);

    const entries = await entriesOf(t(), 'webhook', created.id);
    expect(entries.map((e) => e.action)).toEqual(['enable', 'update', 'disable', 'create']);
    expect(entries[2]).toMatchObject({ before: created, after: disabled });
    expect((entries[2]!.before as { enabled: boolean }).enabled).toBe(true);
    expect((entries[2]!.after as { enabled: boolean }).enabled).toBe(false);
    expect(entries[1]).toMatchObject({ before: disabled, after: edited });
    // Receipt statuses are part of the webhook's configuration: the edit shows the added one.
    expect((entries[1]!.before as typeof edited).receipt).toEqual(created.receipt);
    expect((entries[1]!.after as typeof edited).receipt).toEqual({ enabled: true, retentionHours: 48, statuses });
    expect((entries[1]!.after as typeof edited).name).toBe('Coupon sender v2');
    expect(entries[0]).toMatchObject({ before: edited, after: enabled });

    const copyRes = await t().request('POST', `${url(created.id)}/copy`, { name: 'Coupon copy' });
    expect(copyRes.statusCode, copyRes.body).toBe(201);
    const copy = copyRes.json();
    t().clock.advance(1000);
    const deleteRes = await t().request('DELETE', url(copy.id));
    expect(deleteRes.statusCode, deleteRes.body).toBe(204);

    const copyEntries = await entriesOf(t(), 'webhook', copy.id);
    expect(copyEntries.map((e) => e.action)).toEqual(['delete', 'copy']);
    expect(copyEntries[1]).toMatchObject({ before: null, after: { ...copy, copiedFrom: created.id } });
    expect(copyEntries[0]).toMatchObject({ before: copy, after: null, at: new Date(t().clock.now()).toISOString() });
  });

  it('never stores or returns a webhook key, even sealed: only keySet', async () => {
    const webhook = await createWebhook(t(), { key: FIRST_KEY });
    await t().request('POST', `${url(webhook.id)}/disable`);
    const edit = await t().request('PUT', url(webhook.id), webhookBody({ key: SECOND_KEY }));
    expect(edit.statusCode, edit.body).toBe(200);
    const noKey = await t().request('PUT', url(webhook.id), webhookBody({ authMethod: 'none', key: undefined }), undefined);
    expect(noKey.statusCode, noKey.body).toBe(200);
    const copy = await t().request('POST', `${url(webhook.id)}/copy`, {});
    expect(copy.statusCode).toBe(201);

    const sealed = await t().ctx.store.db.selectFrom('webhooks').select('key_sealed').where('key_sealed', 'is not', null).execute();
    expect(sealed.length).toBeGreaterThan(0);
    const stored = await rawAuditText(t());
    const listed = (await auditLog(t(), 'pageSize=200')).raw;
    for (const text of [stored, listed]) {
      expect(text).toContain(webhook.id);
      expect(text).not.toContain(FIRST_KEY);
      expect(text).not.toContain(SECOND_KEY);
      for (const { key_sealed } of sealed) expect(text).not.toContain(key_sealed);
    }
    const entries = await entriesOf(t(), 'webhook', webhook.id);
    const update = entries.find((e) => e.action === 'update' && (e.after as { authMethod: string }).authMethod === 'none')!;
    expect(update.before).toMatchObject({ authMethod: 'key', keySet: true });
    expect(update.after).toMatchObject({ authMethod: 'none', keySet: false });
  });
});
