import { beforeAll, expect, it } from 'vitest';
import { assertMayUseWebhook, decideMemberWebhookUse } from '../../src/access/may-use-webhook.js';
import { DEFAULT_WORKSPACE_ID } from '../../src/access/bootstrap.js';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { HOUR, at, createGroup, createMember, createRole, createWebhook, expectDenied, expectStatus, putGrants } from './support.js';

/** The product's rule: a role with the webhook permission AND a currently valid grant, checked on every request. */
describeEachDialect('Access: who may use a webhook', (dialect) => {
  const t = useTestApp(dialect);
  let roleId: string;
  let otherRoleId: string;

  beforeAll(async () => {
    roleId = await createRole(t(), 'Marketer');
    otherRoleId = await createRole(t(), 'Viewer', []);
  });

  const read = (webhookId: string, token: string) => t().request('GET', `/api/v1/webhooks/${webhookId}`, undefined, token);
  const listed = async (token: string) => (expectStatus(await t().request('GET', '/api/v1/webhooks?pageSize=200', undefined, token), 200).items as { id: string }[]).map((w) => w.id);
  const testSend = (webhookId: string, token: string) => t().request('POST', `/api/v1/webhooks/${webhookId}/test-sends`, { idType: 'OPEN_ID', targetId: 'u1' }, token);

  it('refuses a member without the role even with a grant (PERMISSION_REQUIRED)', async () => {
    const webhook = await createWebhook(t(), 'No role');
    const member = await createMember(t(), 'Roleless', [otherRoleId]);
    expectStatus(await putGrants(t(), webhook, 'member', [{ memberId: member.id, validUntil: at(t(), HOUR) }]), 200);
    const res = await read(webhook, member.token);
    expectDenied(res, 'PERMISSION_REQUIRED');
    expect(res.json().error.details).toEqual([{ permission: 'marketing.reach.webhook' }]);
    expect(res.json().error.message).toContain('User Marketing-Reach Marketing-Webhook');
    expectDenied(await testSend(webhook, member.token), 'PERMISSION_REQUIRED');
    expect(await listed(member.token)).toEqual([]);
  });

  it('refuses a member with the role but no grant (GRANT_REQUIRED), and does not list the webhook', async () => {
    const webhook = await createWebhook(t(), 'No grant');
    const member = await createMember(t(), 'Ungranted', [roleId]);
    const res = await read(webhook, member.token);
    expectDenied(res, 'GRANT_REQUIRED');
    expect(res.json().error.details).toEqual([{ webhookId: webhook, reason: expect.stringContaining('granted neither') }]);
    expectDenied(await testSend(webhook, member.token), 'GRANT_REQUIRED');
    expect(await listed(member.token)).not.toContain(webhook);
    // An unknown webhook is a 404 for a member with the role, as for the admin.
    expect((await read('wh_unknown', member.token)).statusCode).toBe(404);
  });

  it('allows a member with the role and a grant by member: read, list, test send', async () => {
    const webhook = await createWebhook(t(), 'Granted by member');
    const other = await createWebhook(t(), 'Not granted');
    const member = await createMember(t(), 'Direct', [roleId]);
    expectStatus(await putGrants(t(), webhook, 'member', [{ memberId: member.id, validUntil: at(t(), HOUR) }]), 200);
    expect(expectStatus(await read(webhook, member.token), 200).id).toBe(webhook);
    expect(await listed(member.token)).toEqual([webhook]);
    expect(expectStatus(await testSend(webhook, member.token), 201).success).toBe(false);
    expect(expectStatus(await t().request('GET', `/api/v1/webhooks/${webhook}/test-sends`, undefined, member.token), 200).total).toBe(1);
    expectDenied(await read(other, member.token), 'GRANT_REQUIRED');
  });

  it('allows a member through a group grant, and follows the group\'s membership on the next request', async () => {
    const webhook = await createWebhook(t(), 'Granted by group');
    const inside = await createMember(t(), 'Inside', [roleId]);
    const outside = await createMember(t(), 'Outside', [roleId]);
    const group = await createGroup(t(), 'East region', [inside.id]);
    expectStatus(await putGrants(t(), webhook, 'group', [{ groupId: group, validUntil: at(t(), HOUR) }]), 200);
    expectStatus(await read(webhook, inside.token), 200);
    expect(await listed(inside.token)).toEqual([webhook]);
    expectDenied(await read(webhook, outside.token), 'GRANT_REQUIRED');
    expectStatus(await t().request('PUT', `/api/v1/member-groups/${group}`, { name: 'East region', memberIds: [outside.id] }), 200);
    expectDenied(await read(webhook, inside.token), 'GRANT_REQUIRED');
    expectStatus(await read(webhook, outside.token), 200);
  });

  it('switching the method revokes every grant of the first method and says so', async () => {
    const webhook = await createWebhook(t(), 'Method switch');
    const direct = await createMember(t(), 'Switched away', [roleId]);
    const second = await createMember(t(), 'Also switched', [roleId]);
    const viaGroup = await createMember(t(), 'Via group', [roleId]);
    const group = await createGroup(t(), 'West region', [viaGroup.id]);
    expectStatus(await putGrants(t(), webhook, 'member', [{ memberId: direct.id, validUntil: at(t(), HOUR) }, { memberId: second.id, validUntil: at(t(), HOUR) }]), 200);
    expectStatus(await read(webhook, direct.token), 200);
    const switched = expectStatus(await putGrants(t(), webhook, 'group', [{ groupId: group, validUntil: at(t(), HOUR) }]), 200);
    expect(switched).toMatchObject({ method: 'group', previousMethod: 'member', methodChanged: true, revoked: 2 });
    expect(switched.items).toEqual([expect.objectContaining({ groupId: group, name: 'West region', status: 'active' })]);
    expectDenied(await read(webhook, direct.token), 'GRANT_REQUIRED');
    expectDenied(await read(webhook, second.token), 'GRANT_REQUIRED');
    expectStatus(await read(webhook, viaGroup.token), 200);
    const stored = await t().ctx.store.db.selectFrom('webhook_grants').select(['method', 'member_id']).where('webhook_id', '=', webhook).execute();
    expect(stored).toEqual([{ method: 'group', member_id: null }]);
    const listing = expectStatus(await t().request('GET', `/api/v1/webhooks/${webhook}/grants`), 200);
    expect(listing.method).toBe('group');
    expect(listing.items).toHaveLength(1);
  });

  it('honours the validity window at request time: not before it starts, not once it ends', async () => {
    const webhook = await createWebhook(t(), 'Window');
    const member = await createMember(t(), 'Windowed', [roleId]);
    const start = t().clock.now() + HOUR;
    expectStatus(await putGrants(t(), webhook, 'member', [{ memberId: member.id, validFrom: new Date(start).toISOString(), validUntil: new Date(start + 2 * HOUR).toISOString() }]), 200);
    const early = await read(webhook, member.token);
    expectDenied(early, 'GRANT_REQUIRED');
    expect(early.json().error.message).toContain('valid from');
    expect(await listed(member.token)).toEqual([]);
    t().clock.set(start);
    expectStatus(await read(webhook, member.token), 200);
    expect(await listed(member.token)).toEqual([webhook]);
    t().clock.set(start + 2 * HOUR - 1);
    expectStatus(await read(webhook, member.token), 200);
    t().clock.set(start + 2 * HOUR);
    const late = await read(webhook, member.token);
    expectDenied(late, 'GRANT_REQUIRED');
    expect(late.json().error.message).toContain('expired');
    expect(await listed(member.token)).toEqual([]);
    expect(expectStatus(await t().request('GET', `/api/v1/webhooks/${webhook}/grants`), 200).items[0].status).toBe('expired');
  });

  it('a removed grant stops working on the very next request', async () => {
    const webhook = await createWebhook(t(), 'Removal');
    const member = await createMember(t(), 'Removed', [roleId]);
    const grantId = expectStatus(await putGrants(t(), webhook, 'member', [{ memberId: member.id, validUntil: at(t(), HOUR) }]), 200).items[0].id;
    expectStatus(await read(webhook, member.token), 200);
    expectStatus(await t().request('DELETE', `/api/v1/webhooks/${webhook}/grants/${grantId}`), 204);
    expectDenied(await read(webhook, member.token), 'GRANT_REQUIRED');
    expect(await listed(member.token)).toEqual([]);
    expect((await t().request('DELETE', `/api/v1/webhooks/${webhook}/grants/${grantId}`)).statusCode).toBe(404);
  });

  it('losing the role or the permission counts on the next request too', async () => {
    const webhook = await createWebhook(t(), 'Role removal');
    const ownRole = await createRole(t(), 'Temporary marketer');
    const member = await createMember(t(), 'Loses role', [ownRole]);
    expectStatus(await putGrants(t(), webhook, 'member', [{ memberId: member.id, validUntil: at(t(), HOUR) }]), 200);
    expectStatus(await read(webhook, member.token), 200);
    expectStatus(await t().request('PUT', `/api/v1/roles/${ownRole}`, { name: 'Temporary marketer', permissions: [] }), 200);
    expectDenied(await read(webhook, member.token), 'PERMISSION_REQUIRED');
    expectStatus(await t().request('PUT', `/api/v1/roles/${ownRole}`, { name: 'Temporary marketer', permissions: ['marketing.reach.webhook'] }), 200);
    expectStatus(await read(webhook, member.token), 200);
    expectStatus(await t().request('DELETE', `/api/v1/roles/${ownRole}`), 204);
    expectDenied(await read(webhook, member.token), 'PERMISSION_REQUIRED');
  });

  it('PUT with the same method replaces the list: kept subjects keep their grant id, omitted ones are revoked', async () => {
    const webhook = await createWebhook(t(), 'Replace');
    const a = await createMember(t(), 'Kept', [roleId]);
    const b = await createMember(t(), 'Dropped', [roleId]);
    const first = expectStatus(await putGrants(t(), webhook, 'member', [{ memberId: a.id, validUntil: at(t(), HOUR) }, { memberId: b.id, validUntil: at(t(), HOUR) }]), 200);
    const keptId = first.items.find((g: { memberId: string }) => g.memberId === a.id).id;
    const second = expectStatus(await putGrants(t(), webhook, 'member', [{ memberId: a.id, validUntil: at(t(), 3 * HOUR) }]), 200);
    expect(second).toMatchObject({ method: 'member', previousMethod: 'member', methodChanged: false, revoked: 1 });
    expect(second.items).toEqual([expect.objectContaining({ id: keptId, memberId: a.id, validUntil: at(t(), 3 * HOUR) })]);
    expectDenied(await read(webhook, b.token), 'GRANT_REQUIRED');
    const cleared = expectStatus(await putGrants(t(), webhook, 'member', []), 200);
    expect(cleared).toMatchObject({ method: null, items: [], revoked: 1 });
  });

  it('an administrator needs neither role nor grant; the built-in admin stays one', async () => {
    const webhook = await createWebhook(t(), 'Admin');
    const admin = await createMember(t(), 'Second admin', [], true);
    expectStatus(await read(webhook, admin.token), 200);
    expect(await listed(admin.token)).toContain(webhook);
    const me = expectStatus(await t().request('GET', '/api/v1/me'), 200);
    expect(me).toMatchObject({ id: 'mem_admin', admin: true, permissions: ['marketing.reach.webhook'] });
  });

  it('decides for scheduled work from the member as they stand at run time', async () => {
    const webhook = await createWebhook(t(), 'Scheduled');
    const member = await createMember(t(), 'Scheduler', [roleId]);
    expectStatus(await putGrants(t(), webhook, 'member', [{ memberId: member.id, validUntil: at(t(), HOUR) }]), 200);
    expect(await decideMemberWebhookUse(t().ctx, DEFAULT_WORKSPACE_ID, member.id, webhook)).toEqual({ allowed: true });
    const principal = { memberId: member.id, workspaceId: DEFAULT_WORKSPACE_ID, name: 'Scheduler', email: 'x', admin: false };
    await expect(assertMayUseWebhook(t().ctx, principal, webhook)).resolves.toBeUndefined();
    t().clock.advance(HOUR);
    const expired = await decideMemberWebhookUse(t().ctx, DEFAULT_WORKSPACE_ID, member.id, webhook);
    expect(expired.allowed).toBe(false);
    expect(!expired.allowed && expired.error.code).toBe('GRANT_REQUIRED');
    await expect(assertMayUseWebhook(t().ctx, principal, webhook)).rejects.toMatchObject({ code: 'GRANT_REQUIRED', statusCode: 403 });
    expectStatus(await t().request('POST', `/api/v1/members/${member.id}/disable`), 200);
    const disabled = await decideMemberWebhookUse(t().ctx, DEFAULT_WORKSPACE_ID, member.id, webhook);
    expect(!disabled.allowed && disabled.error.code).toBe('MEMBER_DISABLED');
    expectStatus(await t().request('DELETE', `/api/v1/members/${member.id}`), 204);
    const deleted = await decideMemberWebhookUse(t().ctx, DEFAULT_WORKSPACE_ID, member.id, webhook);
    expect(!deleted.allowed && deleted.error.code).toBe('MEMBER_REMOVED');
  });
});
