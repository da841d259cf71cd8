import { beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../support/dialects.js';
import { ADMIN_TOKEN, useTestApp } from '../support/test-app.js';
import { HOUR, WEBHOOK_USE, at, auditOf, createGroup, createMember, createRole, createWebhook, expectDenied, expectStatus, putGrants } from './support.js';

describeEachDialect('Access: members, tokens, groups, roles', (dialect) => {
  const t = useTestApp(dialect);
  let roleId: string;

  beforeAll(async () => {
    roleId = await createRole(t(), 'Marketer');
  });

  it('creates, reads, lists, edits members; the email is unique whatever its case', async () => {
    const created = expectStatus(await t().request('POST', '/api/v1/members', { name: 'Li Lei', email: 'Li@Example.com', admin: false, roleIds: [roleId] }), 201);
    expect(created).toMatchObject({ name: 'Li Lei', email: 'li@example.com', admin: false, enabled: true, builtIn: false, roles: [{ id: roleId, name: 'Marketer' }], groups: [] });
    expect(expectStatus(await t().request('GET', `/api/v1/members/${created.id}`), 200)).toEqual(created);
    const duplicate = await t().request('POST', '/api/v1/members', { name: 'Other', email: 'LI@example.COM' });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error.code).toBe('ALREADY_EXISTS');
    const page = expectStatus(await t().request('GET', '/api/v1/members?search=example.com'), 200);
    expect(page.items.map((m: { id: string }) => m.id)).toContain(created.id);
    expect(expectStatus(await t().request('GET', '/api/v1/members?search=li%20lei'), 200).total).toBe(1);
    t().clock.advance(1000);
    const edited = expectStatus(await t().request('PUT', `/api/v1/members/${created.id}`, { name: 'Li Lei', email: 'li.lei@example.com', admin: true }), 200);
    expect(edited).toMatchObject({ email: 'li.lei@example.com', admin: true, roles: [] });
    expect(edited.updatedAt).not.toBe(created.updatedAt);
    // The old address is free again.
    expectStatus(await t().request('POST', '/api/v1/members', { name: 'New Li', email: 'li@example.com' }), 201);
  });

  it('refuses bad member input with every field error at once, unknown ids with 404, unknown roles by index', async () => {
    const bad = await t().request('POST', '/api/v1/members', { name: '', email: 'not-an-email', admin: 'yes', extra: 1 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION');
    expect(bad.json().error.details.length).toBeGreaterThanOrEqual(4);
    const roles = await t().request('POST', '/api/v1/members', { name: 'X', email: 'x@example.com', roleIds: [roleId, 'role_nope', 'role_gone'] });
    expect(roles.statusCode).toBe(400);
    expect(roles.json().error.details).toEqual([
      { path: 'roleIds[1]', message: 'role "role_nope" does not exist' },
      { path: 'roleIds[2]', message: 'role "role_gone" does not exist' },
    ]);
    for (const [method, url, body] of [
      ['GET', '/api/v1/members/mem_nope', undefined],
      ['PUT', '/api/v1/members/mem_nope', { name: 'X', email: 'x@example.com' }],
      ['POST', '/api/v1/members/mem_nope/disable', undefined],
      ['DELETE', '/api/v1/members/mem_nope', undefined],
      ['GET', '/api/v1/members/mem_nope/tokens', undefined],
      ['POST', '/api/v1/members/mem_nope/tokens', {}],
    ] as const) {
      const res = await t().request(method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
  });

  it('keeps the built-in administrator an administrator, enabled and undeletable', async () => {
    for (const [method, url, body] of [
      ['PUT', '/api/v1/members/mem_admin', { name: 'Administrator', email: 'admin@localhost', admin: false }],
      ['POST', '/api/v1/members/mem_admin/disable', undefined],
      ['DELETE', '/api/v1/members/mem_admin', undefined],
    ] as const) {
      const res = await t().request(method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(409);
      expect(res.json().error.code).toBe('BUILT_IN_ADMIN');
    }
    expect(expectStatus(await t().request('GET', '/api/v1/members/mem_admin'), 200)).toMatchObject({ admin: true, enabled: true, builtIn: true });
  });

  it('disabling a member stops their tokens (403 MEMBER_DISABLED) until enabled again', async () => {
    const member = await createMember(t(), 'Paused', [roleId]);
    expectStatus(await t().request('GET', '/api/v1/me', undefined, member.token), 200);
    expect(expectStatus(await t().request('POST', `/api/v1/members/${member.id}/disable`), 200).enabled).toBe(false);
    expectDenied(await t().request('GET', '/api/v1/me', undefined, member.token), 'MEMBER_DISABLED');
    expect(expectStatus(await t().request('POST', `/api/v1/members/${member.id}/enable`), 200).enabled).toBe(true);
    expectStatus(await t().request('GET', '/api/v1/me', undefined, member.token), 200);
    expect((await auditOf(t(), 'member', member.id)).map((e) => e.action)).toEqual(['member.create', 'member.disable', 'member.enable']);
  });

  it('deleting a member revokes their tokens and removes their roles, groups and grants', async () => {
    const webhook = await createWebhook(t(), 'Deleted member');
    const member = await createMember(t(), 'Leaving', [roleId]);
    const group = await createGroup(t(), 'Leavers', [member.id]);
    const grant = expectStatus(await putGrants(t(), webhook, 'member', [{ memberId: member.id, validUntil: at(t(), HOUR) }]), 200);
    expectStatus(await t().request('GET', `/api/v1/webhooks/${webhook}`, undefined, member.token), 200);
    expectStatus(await t().request('DELETE', `/api/v1/members/${member.id}`), 204);
    expect((await t().request('GET', '/api/v1/me', undefined, member.token)).statusCode).toBe(401);
    expect((await t().request('GET', `/api/v1/members/${member.id}`)).statusCode).toBe(404);
    expect(expectStatus(await t().request('GET', `/api/v1/member-groups/${group}`), 200).members).toEqual([]);
    expect(expectStatus(await t().request('GET', `/api/v1/webhooks/${webhook}/grants`), 200).items).toEqual([]);
    const tokens = await t().ctx.store.db.selectFrom('api_tokens').select('revoked_at').where('member_id', '=', member.id).execute();
    expect(tokens.length).toBeGreaterThan(0);
    expect(tokens.every((r) => r.revoked_at !== null)).toBe(true);
    expect(await t().ctx.store.db.selectFrom('member_roles').selectAll().where('member_id', '=', member.id).execute()).toEqual([]);
    const memberAudit = await auditOf(t(), 'member', member.id);
    expect(memberAudit.at(-1)).toMatchObject({ action: 'member.delete', actor_id: 'mem_admin', after: null, before: { id: member.id, name: 'Leaving', groupIds: [group] } });
    const grantAudit = await auditOf(t(), 'webhook_grant', webhook);
    expect(grantAudit.at(-1)).toMatchObject({ action: 'grant.remove', before: { method: 'member', grants: [{ id: grant.items[0].id, memberId: member.id }] }, after: { method: null, grants: [] } });
  });

  it('creates tokens shown once, lists them by prefix and last use, revokes them; a member manages their own', async () => {
    const member = await createMember(t(), 'Scripter', [roleId]);
    const other = await createMember(t(), 'Bystander');
    const created = expectStatus(await t().request('POST', `/api/v1/members/${member.id}/tokens`, { name: 'CI' }, member.token), 201);
    expect(created.token).toMatch(/^hrk_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix).toBe(created.token.slice(0, 10));
    const listed = expectStatus(await t().request('GET', `/api/v1/members/${member.id}/tokens`, undefined, member.token), 200);
    const entry = listed.items.find((i: { id: string }) => i.id === created.id);
    expect(entry).toEqual({ id: created.id, name: 'CI', prefix: created.prefix, createdAt: expect.any(String), lastUsedAt: null });
    const everything = JSON.stringify(listed) + JSON.stringify(await t().ctx.store.db.selectFrom('api_tokens').selectAll().execute()) + JSON.stringify(await t().ctx.store.db.selectFrom('audit_log').selectAll().execute());
    expect(everything).not.toContain(created.token);
    t().clock.advance(5 * 60_000);
    expectStatus(await t().request('GET', '/api/v1/me', undefined, created.token), 200);
    const used = expectStatus(await t().request('GET', `/api/v1/members/${member.id}/tokens`), 200).items.find((i: { id: string }) => i.id === created.id);
    expect(used.lastUsedAt).toBe(new Date(t().clock.now()).toISOString());
    // Someone else's tokens are an administrator's business.
    expectDenied(await t().request('GET', `/api/v1/members/${other.id}/tokens`, undefined, member.token), 'ADMIN_REQUIRED');
    expectDenied(await t().request('POST', `/api/v1/members/${other.id}/tokens`, {}, member.token), 'ADMIN_REQUIRED');
    expectStatus(await t().request('DELETE', `/api/v1/members/${member.id}/tokens/${created.id}`, undefined, member.token), 204);
    expect((await t().request('GET', '/api/v1/me', undefined, created.token)).statusCode).toBe(401);
    expect((await t().request('DELETE', `/api/v1/members/${member.id}/tokens/${created.id}`)).statusCode).toBe(404);
    expect(expectStatus(await t().request('GET', `/api/v1/members/${member.id}/tokens`), 200).items.map((i: { id: string }) => i.id)).not.toContain(created.id);
    expect((await auditOf(t(), 'api_token', created.id)).map((e) => e.action)).toEqual(['api_token.create', 'api_token.revoke']);
    // A bodiless POST is a token without a label.
    const bare = await t().app.inject({ method: 'POST', url: `/api/v1/members/${member.id}/tokens`, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(expectStatus(bare, 201).name).toBe('');
  });

  it('caps a member\'s active tokens', async () => {
    const member = await createMember(t(), 'Hoarder');
    for (let i = 1; i < 20; i++) expectStatus(await t().request('POST', `/api/v1/members/${member.id}/tokens`, {}), 201);
    const res = await t().request('POST', `/api/v1/members/${member.id}/tokens`, {});
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('TOO_MANY_TOKENS');
  });

  it('GET /me tells a member their roles, groups and permissions', async () => {
    const viewer = await createRole(t(), 'Viewer only', []);
    const member = await createMember(t(), 'Curious', [roleId, viewer]);
    const group = await createGroup(t(), 'Curious group', [member.id]);
    const me = expectStatus(await t().request('GET', '/api/v1/me', undefined, member.token), 200);
    expect(me).toMatchObject({ id: member.id, name: 'Curious', admin: false, permissions: [WEBHOOK_USE], groups: [{ id: group, name: 'Curious group' }] });
    expect(me.roles.map((r: { name: string }) => r.name).sort()).toEqual(['Marketer', 'Viewer only']);
    const plain = await createMember(t(), 'Plain');
    expect(expectStatus(await t().request('GET', '/api/v1/me', undefined, plain.token), 200).permissions).toEqual([]);
  });

  it('manages groups: members must exist, names are unique, deleting one removes its grants', async () => {
    const a = await createMember(t(), 'Group A', [roleId]);
    const unknown = await t().request('POST', '/api/v1/member-groups', { name: 'Ghosts', memberIds: [a.id, 'mem_ghost'] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details).toEqual([{ path: 'memberIds[1]', message: 'member "mem_ghost" does not exist' }]);
    const group = await createGroup(t(), 'North', [a.id]);
    const duplicate = await t().request('POST', '/api/v1/member-groups', { name: 'North', memberIds: [] });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error).toMatchObject({ code: 'ALREADY_EXISTS', details: [{ path: 'name', message: '"North" is already taken' }] });
    const renamed = expectStatus(await t().request('PUT', `/api/v1/member-groups/${group}`, { name: 'North region', memberIds: [a.id] }), 200);
    expect(renamed).toMatchObject({ name: 'North region', members: [{ id: a.id, name: 'Group A' }] });
    expect(expectStatus(await t().request('GET', '/api/v1/member-groups?search=north'), 200).total).toBe(1);
    const webhook = await createWebhook(t(), 'Group deletion');
    expectStatus(await putGrants(t(), webhook, 'group', [{ groupId: group, validUntil: at(t(), HOUR) }]), 200);
    expectStatus(await t().request('GET', `/api/v1/webhooks/${webhook}`, undefined, a.token), 200);
    expectStatus(await t().request('DELETE', `/api/v1/member-groups/${group}`), 204);
    expectDenied(await t().request('GET', `/api/v1/webhooks/${webhook}`, undefined, a.token), 'GRANT_REQUIRED');
    expect((await t().request('GET', `/api/v1/member-groups/${group}`)).statusCode).toBe(404);
    expect((await auditOf(t(), 'member_group', group)).map((e) => e.action)).toEqual(['member_group.create', 'member_group.update', 'member_group.delete']);
    expect((await auditOf(t(), 'webhook_grant', webhook)).map((e) => e.action)).toEqual(['grant.set', 'grant.remove']);
  });

  it('manages roles: permissions from the catalogue, unique names, 404 for unknown ids', async () => {
    const catalogue = expectStatus(await t().request('GET', '/api/v1/permissions'), 200);
    expect(catalogue.items).toEqual([{ name: WEBHOOK_USE, displayName: 'User Marketing-Reach Marketing-Webhook', description: expect.any(String) }]);
    const bad = await t().request('POST', '/api/v1/roles', { name: ' padded', permissions: ['marketing.reach.everything', WEBHOOK_USE, WEBHOOK_USE] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.length).toBeGreaterThanOrEqual(3);
    const role = await createRole(t(), 'Analyst', []);
    const duplicate = await t().request('POST', '/api/v1/roles', { name: 'Analyst', permissions: [] });
    expect(duplicate.statusCode).toBe(409);
    const renameClash = await t().request('PUT', `/api/v1/roles/${role}`, { name: 'Marketer', permissions: [] });
    expect(renameClash.statusCode).toBe(409);
    expect(expectStatus(await t().request('PUT', `/api/v1/roles/${role}`, { name: 'Analyst', permissions: [WEBHOOK_USE] }), 200).permissions).toEqual([WEBHOOK_USE]);
    expect(expectStatus(await t().request('GET', '/api/v1/roles?search=analyst'), 200).items).toEqual([expect.objectContaining({ id: role, memberCount: 0 })]);
    expectStatus(await t().request('DELETE', `/api/v1/roles/${role}`), 204);
    for (const [method, body] of [['GET', undefined], ['PUT', { name: 'Y', permissions: [] }], ['DELETE', undefined]] as const) {
      expect((await t().request(method, `/api/v1/roles/${role}`, body)).statusCode).toBe(404);
    }
    const audit = await auditOf(t(), 'role', role);
    expect(audit.map((e) => e.action)).toEqual(['role.create', 'role.update', 'role.delete']);
    expect(audit[1]).toMatchObject({ before: { name: 'Analyst', permissions: [] }, after: { name: 'Analyst', permissions: [WEBHOOK_USE] } });
  });

  it('refuses bad grant bodies with every problem at once, and unknown webhooks with 404', async () => {
    const webhook = await createWebhook(t(), 'Bad grants');
    const member = await createMember(t(), 'Grantee', [roleId]);
    const group = await createGroup(t(), 'Grantees', [member.id]);
    const res = await putGrants(t(), webhook, 'member', [
      { groupId: group, validUntil: at(t(), HOUR) },
      { memberId: member.id, validFrom: at(t(), 2 * HOUR), validUntil: at(t(), HOUR) },
      { memberId: member.id, validUntil: at(t(), HOUR) },
      { memberId: 'mem_ghost', validUntil: at(t(), HOUR) },
    ]);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([
      { path: 'grants[0].memberId', message: 'is required when method is "member"' },
      { path: 'grants[0].groupId', message: 'must not be given when method is "member"' },
      { path: 'grants[1].validUntil', message: 'must be later than validFrom' },
      { path: 'grants[2].memberId', message: 'is already granted by grants[1]' },
      { path: 'grants[3].memberId', message: 'member "mem_ghost" does not exist' },
    ]);
    const shape = await t().request('PUT', `/api/v1/webhooks/${webhook}/grants`, { method: 'team', grants: [{ memberId: member.id, validUntil: 'tomorrow' }] });
    expect(shape.statusCode).toBe(400);
    expect(shape.json().error.details.length).toBe(2);
    expect(await t().ctx.store.db.selectFrom('webhook_grants').selectAll().where('webhook_id', '=', webhook).execute()).toEqual([]);
    expect((await putGrants(t(), 'wh_nope', 'member', [])).statusCode).toBe(404);
    expect((await t().request('GET', '/api/v1/webhooks/wh_nope/grants')).statusCode).toBe(404);
    const set = await auditOf(t(), 'webhook_grant', webhook);
    expect(set).toEqual([]);
  });
});
