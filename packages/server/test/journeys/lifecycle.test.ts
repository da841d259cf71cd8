import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { auditOf, createMember, createRole } from '../access/support.js';
import { createJourneyWebhook, expectStatus, seedAudience, someUsers } from './support.js';

type Body = { name: string; entry: Record<string, unknown>; nodes: Record<string, unknown>[]; edges: Record<string, unknown>[] };

function body(webhookId: string, audienceId: string, name = 'Welcome coupon'): Body {
  return {
    name,
    entry: { type: 'audience', audienceId, at: '2026-12-01T09:00:00+08:00' },
    nodes: [
      { id: 'send', type: 'webhook', name: 'Send coupon', webhookId, idType: 'OPEN_ID', params: { coupon: 'C-42 for ${name}' }, missingVariable: 'skip' },
      { id: 'judge', type: 'judgment', name: 'Receipt?', wait: { minutes: 60 }, results: ['success', 'failed', 'receipt:200', 'receipt:FAIL'] },
      { id: 'ab', type: 'split', name: 'A/B', groups: [{ name: 'A', percent: 50 }, { name: 'B', percent: 50 }] },
      { id: 'pause', type: 'wait', name: 'Half an hour', wait: { minutes: 30 } },
      { id: 'done', type: 'end' },
    ],
    edges: [
      { from: 'send', to: 'judge' }, { from: 'send', exit: 'noId', to: 'done' },
      { from: 'judge', exit: 'receipt:200', to: 'done' }, { from: 'judge', exit: 'receipt:FAIL', to: 'done' }, { from: 'judge', exit: 'success', to: 'done' },
      { from: 'judge', exit: 'failed', to: 'done' }, { from: 'judge', exit: 'other', to: 'ab' },
      { from: 'ab', exit: 'A', to: 'pause' }, { from: 'ab', exit: 'B', to: 'done' }, { from: 'pause', to: 'done' },
    ],
  };
}

describeEachDialect('Journeys: create, edit, versions, publish, lifecycle', (dialect) => {
  const t = useTestApp(dialect);

  it('creates a draft, keeps each published version immutable and makes edits new versions', async () => {
    const webhookId = await createJourneyWebhook(t(), 'http://127.0.0.1:9/hook');
    const audienceId = await seedAudience(t(), someUsers(2, 'lc'));
    const created = await t().request('POST', '/api/v1/journeys', body(webhookId, audienceId));
    const draft = expectStatus(created, 201);
    expect(created.headers.location).toBe(`/api/v1/journeys/${draft.id}`);
    expect(draft).toMatchObject({ status: 'draft', version: 1, publishedVersion: null, hasUnpublishedChanges: true, name: 'Welcome coupon' });
    expect(draft.nodes[0].params).toEqual({ coupon: 'C-42 for ${name}' });

    // Editing a draft replaces it in place.
    const renamed = expectStatus(await t().request('PUT', `/api/v1/journeys/${draft.id}`, body(webhookId, audienceId, 'Renamed')), 200);
    expect(renamed).toMatchObject({ version: 1, name: 'Renamed' });
    const published = expectStatus(await t().request('POST', `/api/v1/journeys/${draft.id}/publish`), 200);
    expect(published).toMatchObject({ status: 'published', version: 1, publishedVersion: 1, hasUnpublishedChanges: false });

    // Editing a published journey makes version 2; version 1 is unchanged and still runs.
    const edited = expectStatus(await t().request('PUT', `/api/v1/journeys/${draft.id}`, body(webhookId, audienceId, 'Second')), 200);
    expect(edited).toMatchObject({ status: 'published', version: 2, publishedVersion: 1, hasUnpublishedChanges: true, name: 'Second' });
    const v1 = expectStatus(await t().request('GET', `/api/v1/journeys/${draft.id}?version=1`), 200);
    expect(v1.journey).toMatchObject({ version: 1, name: 'Renamed' });
    expect(v1.stats.nodes.map((n: { nodeId: string }) => n.nodeId)).toEqual(['send', 'judge', 'ab', 'pause', 'done']);
    expectStatus(await t().request('PUT', `/api/v1/journeys/${draft.id}`, body(webhookId, audienceId, 'Second again')), 200);
    expect(expectStatus(await t().request('GET', `/api/v1/journeys/${draft.id}?version=1`), 200).journey.name).toBe('Renamed');
    expect(expectStatus(await t().request('POST', `/api/v1/journeys/${draft.id}/publish`), 200)).toMatchObject({ version: 2, publishedVersion: 2 });
    expect(expectStatus(await t().request('GET', `/api/v1/journeys/${draft.id}?version=3`), 404).error.code).toBe('NOT_FOUND');

    // A lost If-Match is refused.
    const stale = await t().request('PUT', `/api/v1/journeys/${draft.id}`, body(webhookId, audienceId));
    expect(stale.statusCode).toBe(200);
    const pinned = await t().app.inject({ method: 'PUT', url: `/api/v1/journeys/${draft.id}`, headers: { authorization: 'Bearer hrk_test_admin_token_0123456789', 'if-match': '"1"' }, payload: body(webhookId, audienceId) });
    expect(pinned.statusCode).toBe(412);

    const list = expectStatus(await t().request('GET', '/api/v1/journeys?status=published'), 200);
    expect(list.items.map((j: { id: string }) => j.id)).toContain(draft.id);

    // Asking for the state it is in changes nothing.
    expect(expectStatus(await t().request('POST', `/api/v1/journeys/${draft.id}/resume`), 200).status).toBe('published');
    expectStatus(await t().request('POST', `/api/v1/journeys/${draft.id}/pause`), 200);
    expectStatus(await t().request('POST', `/api/v1/journeys/${draft.id}/resume`), 200);

    // The webhook cannot be deleted while the journey uses it; stopping frees it.
    expectStatus(await t().request('POST', `/api/v1/webhooks/${webhookId}/disable`), 200);
    const inUse = expectStatus(await t().request('DELETE', `/api/v1/webhooks/${webhookId}`), 409);
    expect(inUse.error).toMatchObject({ code: 'WEBHOOK_IN_USE', details: [{ kind: 'journey', id: draft.id, name: 'Welcome coupon' }] });
    expectStatus(await t().request('POST', `/api/v1/journeys/${draft.id}/stop`), 200);
    expect(expectStatus(await t().request('PUT', `/api/v1/journeys/${draft.id}`, body(webhookId, audienceId)), 409).error.code).toBe('JOURNEY_STATE');
    expect(expectStatus(await t().request('POST', `/api/v1/journeys/${draft.id}/pause`), 409).error.code).toBe('JOURNEY_STATE');
    expect((await t().request('DELETE', `/api/v1/webhooks/${webhookId}`)).statusCode).toBe(204);

    const actions = (await auditOf(t(), 'journey', draft.id)).map((e) => e.action);
    expect([...actions].sort()).toEqual(['create', 'pause', 'publish', 'publish', 'resume', 'stop', 'update', 'update', 'update', 'update'].sort());
  });

  it('answers one VALIDATION error naming every node with a problem, writing nothing', async () => {
    const webhookId = await createJourneyWebhook(t(), 'http://127.0.0.1:9/hook');
    const audienceId = await seedAudience(t(), someUsers(1, 'vl'));
    const bad = body(webhookId, audienceId);
    bad.nodes[0] = { ...bad.nodes[0]!, idType: 'MOBILE', params: { coupon: 'Hi ${' } };
    bad.nodes[2] = { ...bad.nodes[2]!, groups: [{ name: 'A', percent: 60 }, { name: 'B', percent: 50 }] };
    bad.nodes[1] = { ...bad.nodes[1]!, results: ['receipt:404', 'other'] };
    const before = await t().ctx.store.db.selectFrom('journeys').select('id').execute();
    const res = expectStatus(await t().request('POST', '/api/v1/journeys', bad), 400);
    expect(res.error.code).toBe('VALIDATION');
    const paths = res.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['nodes[0].idType', 'nodes[0].params.coupon', 'nodes[2].groups', 'nodes[1].results[0]', 'nodes[1].results[1]']));
    expect(await t().ctx.store.db.selectFrom('journeys').select('id').execute()).toEqual(before);
    const unknown = expectStatus(await t().request('POST', '/api/v1/journeys', { ...body(webhookId, 'aud_missing') }), 400);
    expect(unknown.error.details).toContainEqual({ path: 'entry.audienceId', message: 'is not an audience of this workspace' });
  });

  it('needs the webhook permission, and a grant on each webhook a journey sends through', async () => {
    const webhookId = await createJourneyWebhook(t(), 'http://127.0.0.1:9/hook');
    const audienceId = await seedAudience(t(), someUsers(1, 'ac'));
    const noRole = await createMember(t(), 'No role');
    const roleOnly = await createMember(t(), 'Role only', [await createRole(t(), 'Journey marketer')]);
    expect(expectStatus(await t().request('GET', '/api/v1/journeys', undefined, noRole.token), 403).error.code).toBe('PERMISSION_REQUIRED');
    expect(expectStatus(await t().request('POST', '/api/v1/journeys', body(webhookId, audienceId), roleOnly.token), 403).error.code).toBe('GRANT_REQUIRED');
  });
});
