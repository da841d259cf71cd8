import { verifySignature } from '@hookreach/protocol';
import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { createWebhook, storedState, webhookBody } from './support.js';

const NOW = Date.UTC(2026, 11, 1, 1, 0, 0);

describeEachDialect('Webhooks: preview of unsaved settings (the dialogs\' Preview Message Format)', (dialect) => {
  const t = useTestApp(dialect);

  it('previews a webhook not created yet, signed with the draft key, and writes nothing', async () => {
    t().clock.set(NOW);
    const before = (await t().request('GET', '/api/v1/webhooks')).json().total;
    const res = await t().request('POST', '/api/v1/webhooks/preview?idType=MOBILE', webhookBody({ key: 'draft-key-1', url: 'https://crm.example.com/new' }));
    expect(res.statusCode, res.body).toBe(200);
    const preview = res.json();
    const url = new URL(preview.url);
    expect(`${url.origin}${url.pathname}`).toBe('https://crm.example.com/new');
    expect(verifySignature('draft-key-1', url.searchParams.get('timestamp')!, url.searchParams.get('nonce')!, preview.headers['X-QA-Hmac-Signature'])).toBe(true);
    expect(preview.body[0].user_profile.target_type).toBe('MOBILE');
    expect(preview.body[0].callback_params.webhook_id).toBe('sample_webhook_id');
    expect(res.body).not.toContain('draft-key-1');
    expect((await t().request('GET', '/api/v1/webhooks')).json().total).toBe(before);
  });

  it('answers the same field errors a create would', async () => {
    const body = webhookBody({ url: 'ftp://nope', idTypes: ['NOT_A_TYPE'], authMethod: 'key' });
    delete body.key;
    const preview = await t().request('POST', '/api/v1/webhooks/preview', body);
    const create = await t().request('POST', '/api/v1/webhooks', body);
    expect(preview.statusCode).toBe(400);
    expect(preview.json().error.code).toBe('VALIDATION');
    expect(preview.json().error.details.length).toBeGreaterThan(1);
    expect(preview.json().error.details).toEqual(create.json().error.details);
  });

  it('signs an edit whose key is omitted with the stored key, and shows the unsaved URL', async () => {
    const saved = await createWebhook(t(), { key: 'stored-key-9' });
    const before = await storedState(t(), saved.id);
    const edit = webhookBody({ url: 'https://crm.example.com/edited' });
    delete edit.key;
    const res = await t().request('POST', `/api/v1/webhooks/${saved.id}/preview`, edit);
    expect(res.statusCode, res.body).toBe(200);
    const url = new URL(res.json().url);
    expect(url.pathname).toBe('/edited');
    expect(res.json().body[0].callback_params.webhook_id).toBe(saved.id);
    expect(verifySignature('stored-key-9', url.searchParams.get('timestamp')!, url.searchParams.get('nonce')!, res.json().headers['X-QA-Hmac-Signature'])).toBe(true);
    expect(await storedState(t(), saved.id)).toEqual(before);
    expect((await t().request('POST', '/api/v1/webhooks/wh_missing/preview', edit)).statusCode).toBe(404);
  });
});
