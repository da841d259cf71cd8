import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { ADMIN_MEMBER_ID, DEFAULT_WORKSPACE_ID } from '../../src/access/bootstrap.js';
import { recordAudit } from '../../src/audit/record-audit.js';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { constantBody, create, insertWebhookUsing, PARAMETERS } from '../parameters/support.js';
import { createWebhook, send, tableCounts, webhookBody } from '../webhooks/support.js';
import { auditCount } from './support.js';

describeEachDialect('Audit log: only changes that happen are recorded', (dialect) => {
  const t = useTestApp(dialect);

  it('records nothing for a refused change', async () => {
    const webhook = await createWebhook(t());
    const coupon = await create(t(), constantBody());
    await insertWebhookUsing(t(), 'Uses the coupon', [coupon.id]);
    const before = await auditCount(t());
    const refused = [
      await t().request('PUT', `/api/v1/webhooks/${webhook.id}`, webhookBody()), // enabled: 409
      await t().request('POST', '/api/v1/webhooks', webhookBody({ url: 'ftp://nope' })), // 400
      await t().request('DELETE', `/api/v1/webhooks/${webhook.id}`), // enabled: 409
      await t().request('POST', '/api/v1/webhooks/wh_missing/disable'), // 404
      await t().request('DELETE', `${PARAMETERS}/${coupon.id}`), // in use: 409
      await send(t(), 'PUT', `${PARAMETERS}/${coupon.id}`, constantBody(), { 'if-match': '"99"' }), // 412
      await t().request('PATCH', '/api/v1/id-types/NOPE', { enabled: false }), // 404
    ];
    expect(refused.map((r) => r.statusCode)).toEqual([409, 400, 409, 404, 409, 412, 404]);
    expect(await auditCount(t())).toBe(before);
  });

  it('leaves no entry when the transaction that recorded it rolls back', async () => {
    const before = await auditCount(t());
    const failing = t().ctx.store.db.transaction().execute(async (trx) => {
      await recordAudit(trx, { workspaceId: DEFAULT_WORKSPACE_ID, actorId: ADMIN_MEMBER_ID, action: 'update', resourceType: 'webhook', resourceId: 'wh_x', before: {}, after: {}, at: t().clock.now() });
      throw new Error('the change failed after the entry was written');
    });
    await expect(failing).rejects.toThrow('the change failed');
    expect(await auditCount(t())).toBe(before);
  });

  it('makes no change when its entry cannot be written: both are one transaction', async () => {
    const webhook = await createWebhook(t());
    const counts = await tableCounts(t());
    const audits = await auditCount(t());
    await sql`alter table audit_log rename to audit_log_away`.execute(t().ctx.store.db);
    try {
      expect((await t().request('POST', '/api/v1/webhooks', webhookBody({ name: 'Never saved' }))).statusCode).toBe(500);
      expect((await t().request('POST', `/api/v1/webhooks/${webhook.id}/disable`)).statusCode).toBe(500);
      expect((await t().request('PATCH', '/api/v1/id-types/IMEI', { enabled: false })).statusCode).toBe(500);
      expect((await t().request('POST', PARAMETERS, constantBody({ name: 'Never saved' }))).statusCode).toBe(500);
    } finally {
      await sql`alter table audit_log_away rename to audit_log`.execute(t().ctx.store.db);
    }
    expect(await tableCounts(t())).toEqual(counts);
    expect((await t().request('GET', `/api/v1/webhooks/${webhook.id}`)).json().enabled).toBe(true);
    const imei = (await t().request('GET', '/api/v1/id-types')).json().items.find((i: { code: string }) => i.code === 'IMEI');
    expect(imei.enabled).toBe(true);
    expect((await t().request('GET', `${PARAMETERS}?search=Never`)).json().total).toBe(0);
    expect(await auditCount(t())).toBe(audits);
  });
});
