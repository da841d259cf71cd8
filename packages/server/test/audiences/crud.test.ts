import { expect, it } from 'vitest';
import { createMember } from '../access/support.js';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { createAudience, imported } from './support.js';

describeEachDialect('Audiences: create, list, read, delete', (dialect) => {
  const t = useTestApp(dialect);

  it('creates an empty audience, answers 201 with Location, and reads it back with its size', async () => {
    const res = await t().request('POST', '/api/v1/audiences', { name: 'VIP buyers', description: 'Spent over 1000 this year' });
    expect(res.statusCode, res.body).toBe(201);
    const audience = res.json();
    expect(res.headers.location).toBe(`/api/v1/audiences/${audience.id}`);
    expect(audience).toMatchObject({ name: 'VIP buyers', description: 'Spent over 1000 this year', userCount: 0, createdBy: 'mem_admin' });
    expect(audience.id).toMatch(/^aud_[0-9a-z]{26}$/);
    await imported(t(), audience.id, 'customer_id,OPEN_ID\nc1,o1\nc2,o2\n');
    const read = await t().request('GET', `/api/v1/audiences/${audience.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ id: audience.id, name: 'VIP buyers', userCount: 2 });
  });

  it('refuses a taken name with 409 ALREADY_EXISTS and writes nothing', async () => {
    await createAudience(t(), 'Taken');
    const before = await t().ctx.store.db.selectFrom('audiences').selectAll().execute();
    const res = await t().request('POST', '/api/v1/audiences', { name: 'Taken' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('ALREADY_EXISTS');
    expect(await t().ctx.store.db.selectFrom('audiences').selectAll().execute()).toEqual(before);
  });

  it.each([
    [{}, ['name']],
    [{ name: '' }, ['name']],
    [{ name: 'x'.repeat(65) }, ['name']],
    [{ name: 'ok', description: 'd'.repeat(257) }, ['description']],
    [{ name: 'bad\u0000name', description: 'tab\there' }, ['name', 'description']],
    [{ name: 42, extra: true }, ['extra', 'name']],
  ])('refuses %j with every field error at once', async (body, paths) => {
    const res = await t().request('POST', '/api/v1/audiences', body);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION');
    expect(res.json().error.details.map((d: { path: string }) => d.path).sort()).toEqual([...paths].sort());
  });

  it('lists newest first, pages with a total, and searches names case-insensitively with % and _ literal', async () => {
    for (const name of ['List Alpha', 'List beta', 'List 100%', 'List a_b']) {
      await createAudience(t(), name);
      t().clock.advance(1000);
    }
    const page = (await t().request('GET', '/api/v1/audiences?search=list&pageSize=2')).json();
    expect(page.total).toBe(4);
    expect(page.items.map((a: { name: string }) => a.name)).toEqual(['List a_b', 'List 100%']);
    const second = (await t().request('GET', '/api/v1/audiences?search=list&pageSize=2&page=2')).json();
    expect(second.items.map((a: { name: string }) => a.name)).toEqual(['List beta', 'List Alpha']);
    expect((await t().request('GET', '/api/v1/audiences?search=LIST%20B')).json().items.map((a: { name: string }) => a.name)).toEqual(['List beta']);
    expect((await t().request('GET', '/api/v1/audiences?search=%25')).json().items.map((a: { name: string }) => a.name)).toEqual(['List 100%']);
    expect((await t().request('GET', '/api/v1/audiences?search=a_')).json().items.map((a: { name: string }) => a.name)).toEqual(['List a_b']);
  });

  it('answers 404 for an unknown audience on read, delete and import', async () => {
    for (const [method, url] of [['GET', '/api/v1/audiences/aud_missing'], ['DELETE', '/api/v1/audiences/aud_missing']] as const) {
      const res = await t().request(method, url);
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
    const res = await t().app.inject({ method: 'POST', url: '/api/v1/audiences/aud_missing/import', headers: { authorization: 'Bearer hrk_test_admin_token_0123456789', 'content-type': 'text/csv' }, payload: 'customer_id\nc1\n' });
    expect(res.statusCode).toBe(404);
  });

  it('deletes an unused audience with its users (204), then it is gone', async () => {
    const id = await createAudience(t(), 'Doomed');
    await imported(t(), id, 'customer_id,MOBILE\nc1,13800000000\n');
    const res = await t().request('DELETE', `/api/v1/audiences/${id}`);
    expect(res.statusCode, res.body).toBe(204);
    expect((await t().request('GET', `/api/v1/audiences/${id}`)).statusCode).toBe(404);
    expect(await t().ctx.store.db.selectFrom('audience_users').selectAll().where('audience_id', '=', id).execute()).toEqual([]);
  });

  it('refuses to delete an audience a task or journey uses: 409 AUDIENCE_IN_USE naming them, nothing deleted', async () => {
    const id = await createAudience(t(), 'Used');
    await imported(t(), id, 'customer_id\nc1\n');
    await t().ctx.store.db.insertInto('audience_usages').values([
      { audience_id: id, owner_kind: 'journey', owner_id: 'jou_1', owner_name: 'Welcome flow' },
      { audience_id: id, owner_kind: 'task', owner_id: 'tsk_1', owner_name: 'Coupon drop' },
    ]).execute();
    const res = await t().request('DELETE', `/api/v1/audiences/${id}`);
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({
      code: 'AUDIENCE_IN_USE',
      details: [{ kind: 'task', id: 'tsk_1', name: 'Coupon drop' }, { kind: 'journey', id: 'jou_1', name: 'Welcome flow' }],
    });
    expect((await t().request('GET', `/api/v1/audiences/${id}`)).json().userCount).toBe(1);
    await t().ctx.store.db.deleteFrom('audience_usages').where('audience_id', '=', id).execute();
    expect((await t().request('DELETE', `/api/v1/audiences/${id}`)).statusCode).toBe(204);
  });

  it('lets any member manage audiences, and records create, import and delete in the audit log', async () => {
    const member = await createMember(t(), 'Plain member');
    const res = await t().request('POST', '/api/v1/audiences', { name: 'Member made' }, member.token);
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id;
    expect(res.json().createdBy).toBe(member.id);
    const up = await t().app.inject({ method: 'POST', url: `/api/v1/audiences/${id}/import`, headers: { authorization: `Bearer ${member.token}`, 'content-type': 'text/csv' }, payload: 'customer_id,EMAIL\nc1,a@example.com\n,x\n' });
    expect(up.statusCode, up.body).toBe(200);
    expect((await t().request('DELETE', `/api/v1/audiences/${id}`, undefined, member.token)).statusCode).toBe(204);
    const entries = await t().ctx.store.db.selectFrom('audit_log').selectAll().where('resource_type', '=', 'audience').where('resource_id', '=', id).orderBy('seq').execute();
    expect(entries.map((e) => [e.action, e.actor_id])).toEqual([['create', member.id], ['import', member.id], ['delete', member.id]]);
    expect(JSON.parse(entries[1]!.after_value!)).toMatchObject({ userCount: 1, import: { format: 'csv', imported: 1, created: 1, updated: 0, rejectedCount: 1 } });
    expect(entries[2]!.after_value).toBeNull();
  });
});
