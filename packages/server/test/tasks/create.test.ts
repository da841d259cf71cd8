import { beforeAll, expect, it } from 'vitest';
import { auditOf, createMember, createRole, expectDenied, HOUR, putGrants } from '../access/support.js';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { createTask, createTaskWebhook, expectStatus, seedAudience, taskBody } from './support.js';

describeEachDialect('Tasks: create, validate, list, usages', (dialect) => {
  const t = useTestApp(dialect);
  let audience: string;
  let webhook: string;

  beforeAll(async () => {
    audience = await seedAudience(t(), 3);
    webhook = await createTaskWebhook(t());
  });

  it('creates a pending task with the exact shape of the issue: 201, Location, ETag, defaults', async () => {
    const res = await t().request('POST', '/api/v1/tasks', taskBody(audience, webhook, {
      batchSize: undefined,
      missingVariable: { replace: 'friend' },
      schedule: { type: 'at', at: '2026-12-01T18:00:00+08:00' },
    }));
    const task = expectStatus(res, 201);
    expect(res.headers.location).toBe(`/api/v1/tasks/${task.id}`);
    expect(res.headers.etag).toBe('"1"');
    expect(task).toMatchObject({
      name: 'Coupon drop',
      audienceId: audience,
      webhookId: webhook,
      idType: 'OPEN_ID',
      batchSize: 100,
      params: { coupon: 'C-42', content: 'Hello ${name}' },
      missingVariable: { replace: 'friend' },
      schedule: { type: 'at', at: '2026-12-01T18:00:00+08:00' },
      sendAt: '2026-12-01T10:00:00.000Z',
      status: 'pending',
      failure: null,
      editable: true,
      deletable: true,
      createdBy: 'mem_admin',
      version: 1,
      startedAt: null,
      finishedAt: null,
    });
    expect(task.id).toMatch(/^task_[0-9a-z]{26}$/);
    const read = expectStatus(await t().request('GET', `/api/v1/tasks/${task.id}`), 200);
    expect(read.task).toEqual(task);
    expect(read.stats).toMatchObject({ audienceSize: 3, enqueued: 0, sent: 0, succeeded: 0, failed: 0, skipped: { noId: 0, missingVariable: 0 } });
  });

  it('schedule now: due at once and never editable', async () => {
    const task = await createTask(t(), taskBody(audience, webhook));
    expect(task.sendAt).toBe(new Date(t().clock.now()).toISOString());
    expect(task.editable).toBe(false);
    expect(task.deletable).toBe(false);
  });

  it('answers every field problem at once, and writes nothing', async () => {
    const parameter = expectStatus(await t().request('POST', '/api/v1/parameters', {
      name: 'Coupons', kind: 'constant', description: '', associatedParameterId: null, values: [{ name: 'C1', displayName: 'One' }],
    }), 201);
    const managed = await createTaskWebhook(t(), undefined, {
      parameters: [
        { name: 'coupon', displayName: 'Coupon', type: 'parameter', parameterId: parameter.id, required: true },
        { name: 'amount', displayName: 'Amount', type: 'numeric', required: true },
        { name: 'content', displayName: 'Content', type: 'text' },
      ],
    });
    const before = await t().ctx.store.db.selectFrom('tasks').select('id').execute();
    const res = await t().request('POST', '/api/v1/tasks', taskBody(audience, managed, {
      name: '   ',
      idType: 'EMAIL',
      params: { coupon: 'C9', amount: '1e3', content: 'Hi ${name', extra: 'x' },
      schedule: { type: 'at', at: '2026-11-30T09:00:00+08:00' },
    }));
    const body = expectStatus(res, 400);
    expect(body.error.code).toBe('VALIDATION');
    const paths = body.error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['idType', 'name', 'params.amount', 'params.content', 'params.coupon', 'params.extra', 'schedule.at'].sort());
    expect(body.error.details.find((d: { path: string }) => d.path === 'params.coupon').message).toContain('is not one of the parameter\'s options');
    expect(body.error.details.find((d: { path: string }) => d.path === 'params.content').message).toContain('$${');
    expect(await t().ctx.store.db.selectFrom('tasks').select('id').execute()).toEqual(before);
  });

  it('refuses a disabled webhook, an unknown audience and webhook, batch sizes outside 1..100, a missing required value', async () => {
    const disabled = await createTaskWebhook(t());
    expectStatus(await t().request('POST', `/api/v1/webhooks/${disabled}/disable`), 200);
    const one = expectStatus(await t().request('POST', '/api/v1/tasks', taskBody(audience, disabled, { params: {} })), 400);
    expect(one.error.details).toEqual(expect.arrayContaining([
      { path: 'webhookId', message: expect.stringContaining('disabled') },
      { path: 'params.coupon', message: 'is required' },
    ]));
    const two = expectStatus(await t().request('POST', '/api/v1/tasks', taskBody('aud_missing', 'wh_missing')), 400);
    expect(two.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['audienceId', 'webhookId']);
    for (const batchSize of [0, 101, 1.5]) {
      const res = expectStatus(await t().request('POST', '/api/v1/tasks', taskBody(audience, webhook, { batchSize })), 400);
      expect(res.error.details[0].path).toBe('batchSize');
    }
    const bad = expectStatus(await t().request('POST', '/api/v1/tasks', taskBody(audience, webhook, { missingVariable: 'ignore', schedule: { type: 'at', at: '2026-12-01 09:00' } })), 400);
    expect(bad.error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['missingVariable', 'schedule.at']));
  });

  it('accepts $${ as a literal and leaves ${...} in string parameters alone', async () => {
    const task = await createTask(t(), taskBody(audience, webhook, { params: { coupon: '${not a variable', content: 'Price: $${price}, hi ${name}' } }));
    expect(task.params).toEqual({ coupon: '${not a variable', content: 'Price: $${price}, hi ${name}' });
  });

  it('makes the webhook and the audience undeletable while the task exists', async () => {
    const hook = await createTaskWebhook(t());
    const aud = await seedAudience(t(), 1);
    const task = await createTask(t(), taskBody(aud, hook, { name: 'Keeps them', schedule: { type: 'at', at: new Date(t().clock.now() + 2 * HOUR).toISOString() } }));
    expectStatus(await t().request('POST', `/api/v1/webhooks/${hook}/disable`), 200);
    const refused = expectStatus(await t().request('DELETE', `/api/v1/webhooks/${hook}`), 409);
    expect(refused.error).toMatchObject({ code: 'WEBHOOK_IN_USE', details: [{ kind: 'task', id: task.id, name: 'Keeps them' }] });
    const usages = await t().ctx.store.db.selectFrom('audience_usages').selectAll().where('audience_id', '=', aud).execute();
    expect(usages).toEqual([{ audience_id: aud, owner_kind: 'task', owner_id: task.id, owner_name: 'Keeps them' }]);
    const audienceDelete = await t().request('DELETE', `/api/v1/audiences/${aud}`);
    expect(audienceDelete.statusCode).toBe(409);
    expectStatus(await t().request('DELETE', `/api/v1/tasks/${task.id}`), 204);
    expect(await t().ctx.store.db.selectFrom('audience_usages').selectAll().where('owner_id', '=', task.id).execute()).toEqual([]);
    expectStatus(await t().request('DELETE', `/api/v1/webhooks/${hook}`), 204);
  });

  it('records create in the audit log', async () => {
    const task = await createTask(t(), taskBody(audience, webhook, { name: 'Audited' }));
    const entries = await auditOf(t(), 'task', task.id);
    expect(entries).toEqual([{ action: 'create', actor_id: 'mem_admin', before: null, after: task }]);
  });

  it('lists newest first, filtered by status, webhook, audience and name', async () => {
    const other = await seedAudience(t(), 1);
    t().clock.advance(1000); // ids order by time: a later millisecond makes it the newest
    const named = await createTask(t(), taskBody(other, webhook, { name: 'Spring sale' }));
    const page = expectStatus(await t().request('GET', `/api/v1/tasks?audienceId=${other}`), 200);
    expect(page).toMatchObject({ total: 1, page: 1, pageSize: 20, items: [named] });
    expect(expectStatus(await t().request('GET', '/api/v1/tasks?search=SPRING'), 200).items.map((x: { id: string }) => x.id)).toEqual([named.id]);
    const all = expectStatus(await t().request('GET', `/api/v1/tasks?webhookId=${webhook}&status=pending&pageSize=200`), 200);
    expect(all.items.length).toBeGreaterThan(2);
    expect(all.items[0].id).toBe(named.id);
    expect(expectStatus(await t().request('GET', '/api/v1/tasks?status=finished'), 200).total).toBe(0);
  });

  it('needs use of the webhook: the permission and a grant valid now', async () => {
    const role = await createRole(t(), 'Marketer');
    const member = await createMember(t(), 'Marketer', [role]);
    const stranger = await createMember(t(), 'Stranger');
    const body = taskBody(audience, webhook, { name: 'By a member' });
    expectDenied(await t().request('POST', '/api/v1/tasks', body, stranger.token), 'PERMISSION_REQUIRED');
    expectDenied(await t().request('POST', '/api/v1/tasks', body, member.token), 'GRANT_REQUIRED');
    expectStatus(await putGrants(t(), webhook, 'member', [{ memberId: member.id, validUntil: new Date(t().clock.now() + HOUR).toISOString() }]), 200);
    const task = await createTask(t(), body, member.token);
    expect(task.createdBy).toBe(member.id);
    expectStatus(await t().request('GET', `/api/v1/tasks/${task.id}`, undefined, member.token), 200);
    expect(expectStatus(await t().request('GET', '/api/v1/tasks?pageSize=200', undefined, member.token), 200).items.every((x: { webhookId: string }) => x.webhookId === webhook)).toBe(true);
    expectDenied(await t().request('GET', `/api/v1/tasks/${task.id}`, undefined, stranger.token), 'PERMISSION_REQUIRED');
  });
});
