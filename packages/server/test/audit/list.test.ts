import { beforeAll, expect, it } from 'vitest';
import { ADMIN_MEMBER_ID } from '../../src/access/bootstrap.js';
import type { AuditEntry } from '../../src/audit/schemas.js';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { constantBody, PARAMETERS } from '../parameters/support.js';
import { webhookBody } from '../webhooks/support.js';
import { addMember, AUDIT_LOG, auditLog } from './support.js';

const START = Date.parse('2026-03-01T08:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const summary = (items: AuditEntry[]) => items.map((e) => `${e.actor.id} ${e.action} ${e.resourceType}`);

describeEachDialect('Audit log: list, filters, paging, access', (dialect) => {
  const t = useTestApp(dialect);
  let second: { id: string; token: string };
  let marketer: { id: string; token: string };
  let webhookA: string;
  let webhookB: string;

  // Six changes by two administrators, one minute apart, then two in the same millisecond.
  beforeAll(async () => {
    t().clock.set(START);
    second = await addMember(t(), 'Han Meimei', true);
    marketer = await addMember(t(), 'Li Lei', false);
    const as = async (token: string | undefined, method: 'POST' | 'PATCH' | 'PUT', url: string, body: unknown) => {
      const res = await t().request(method, url, body, token);
      expect(res.statusCode, res.body).toBeLessThan(300);
      t().clock.advance(60_000);
      return res.json() as { id: string };
    };
    webhookA = (await as(undefined, 'POST', '/api/v1/webhooks', webhookBody({ name: 'A' }))).id;
    await as(second.token, 'PATCH', '/api/v1/id-types/IMEI', { enabled: false });
    await as(undefined, 'POST', PARAMETERS, constantBody());
    webhookB = (await as(second.token, 'POST', '/api/v1/webhooks', webhookBody({ name: 'B' }))).id;
    await as(undefined, 'POST', `/api/v1/webhooks/${webhookA}/disable`, undefined);
    await as(second.token, 'POST', `/api/v1/webhooks/${webhookA}/copy`, {});
    t().clock.set(START + 3_600_000);
    // Same millisecond: the one written last still comes first.
    await t().request('PATCH', '/api/v1/id-types/MOBILE', { enabled: false });
    await t().request('PATCH', '/api/v1/id-types/MOBILE', { enabled: true });
  });

  it('lists every change newest first with the actor\'s id and name', async () => {
    const page = await auditLog(t());
    expect(page).toMatchObject({ total: 8, page: 1, pageSize: 20 });
    expect(summary(page.items)).toEqual([
      `${ADMIN_MEMBER_ID} enable id_type`,
      `${ADMIN_MEMBER_ID} disable id_type`,
      `${second.id} copy webhook`,
      `${ADMIN_MEMBER_ID} disable webhook`,
      `${second.id} create webhook`,
      `${ADMIN_MEMBER_ID} create parameter`,
      `${second.id} disable id_type`,
      `${ADMIN_MEMBER_ID} create webhook`,
    ]);
    expect(page.items.map((e) => e.at)).toEqual([START + 3_600_000, START + 3_600_000, ...[5, 4, 3, 2, 1, 0].map((m) => START + m * 60_000)].map(iso));
    expect(page.items[2]!.actor).toEqual({ id: second.id, name: 'Han Meimei' });
    expect(page.items[3]!.actor).toEqual({ id: ADMIN_MEMBER_ID, name: 'Administrator' });
  });

  it('filters by resource, member, action and time range, alone or together', async () => {
    const filtered = async (query: string) => summary((await auditLog(t(), query)).items);
    expect(await filtered('resourceType=webhook')).toEqual([`${second.id} copy webhook`, `${ADMIN_MEMBER_ID} disable webhook`, `${second.id} create webhook`, `${ADMIN_MEMBER_ID} create webhook`]);
    expect(await filtered(`resourceType=webhook&resourceId=${webhookA}`)).toEqual([`${ADMIN_MEMBER_ID} disable webhook`, `${ADMIN_MEMBER_ID} create webhook`]);
    expect(await filtered(`resourceId=${webhookB}`)).toEqual([`${second.id} create webhook`]);
    expect(await filtered(`actorId=${second.id}`)).toEqual([`${second.id} copy webhook`, `${second.id} create webhook`, `${second.id} disable id_type`]);
    expect(await filtered('action=create')).toEqual([`${second.id} create webhook`, `${ADMIN_MEMBER_ID} create parameter`, `${ADMIN_MEMBER_ID} create webhook`]);
    expect(await filtered(`action=disable&actorId=${ADMIN_MEMBER_ID}`)).toEqual([`${ADMIN_MEMBER_ID} disable id_type`, `${ADMIN_MEMBER_ID} disable webhook`]);
    // Both ends inclusive.
    expect(await filtered(`from=${iso(START + 60_000)}&to=${iso(START + 180_000)}`)).toEqual([`${second.id} create webhook`, `${ADMIN_MEMBER_ID} create parameter`, `${second.id} disable id_type`]);
    expect(await filtered(`from=${encodeURIComponent('2026-03-01T09:00:00+01:00')}&to=${iso(START)}`)).toEqual([`${ADMIN_MEMBER_ID} create webhook`]);
    expect(await filtered(`from=${iso(START + 3_600_000)}`)).toHaveLength(2);
    expect(await filtered(`to=${iso(START - 1)}`)).toEqual([]);
    expect(await filtered(`actorId=${marketer.id}`)).toEqual([]);
    expect((await auditLog(t(), 'resourceType=webhook&pageSize=1')).total).toBe(4);
  });

  it('pages like other lists, with the total of the filtered entries', async () => {
    const all = (await auditLog(t(), 'pageSize=200')).items;
    const pages = [];
    for (const page of [1, 2, 3]) pages.push(await auditLog(t(), `page=${page}&pageSize=3`));
    expect(pages.map((p) => [p.page, p.pageSize, p.total, p.items.length])).toEqual([[1, 3, 8, 3], [2, 3, 8, 3], [3, 3, 8, 2]]);
    expect(pages.flatMap((p) => p.items)).toEqual(all);
    expect((await auditLog(t(), 'page=4&pageSize=3')).items).toEqual([]);
  });

  it('refuses non-administrators and anonymous callers', async () => {
    const member = await t().request('GET', AUDIT_LOG, undefined, marketer.token);
    expect(member.statusCode).toBe(403);
    expect(typeof member.json().error.code).toBe('string');
    expect(member.body).not.toContain(webhookA);
    expect((await t().request('GET', AUDIT_LOG, undefined, null)).statusCode).toBe(401);
    expect((await t().request('GET', AUDIT_LOG, undefined, second.token)).statusCode).toBe(200);
  });

  it('refuses bad filters with every problem at once', async () => {
    const bad = async (query: string) => {
      const res = await t().request('GET', `${AUDIT_LOG}?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION');
      return (res.json().error.details as { path: string }[]).map((d) => d.path).sort();
    };
    expect(await bad('from=yesterday&to=2026-13-01T00:00:00Z&pageSize=0')).toEqual(['query.from', 'query.pageSize', 'query.to']);
    expect(await bad(`from=${iso(START + 1)}&to=${iso(START)}`)).toEqual(['query.to']);
    expect(await bad('resource=webhook')).toEqual(['query.resource']);
    expect(await bad('resourceId=%00')).toEqual(['query.resourceId']);
    expect(await bad(`action=${'a'.repeat(65)}`)).toEqual(['query.action']);
  });
});
