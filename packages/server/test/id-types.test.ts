import { describe, expect, it } from 'vitest';
import { describeEachDialect } from './support/dialects.js';
import { useTestApp } from './support/test-app.js';

describeEachDialect('ID Type Management', (dialect) => {
  const t = useTestApp(dialect);

  it('lists the 14 ID types of the product document, all enabled', async () => {
    const res = await t().request('GET', '/api/v1/id-types');
    expect(res.statusCode).toBe(200);
    const codes = res.json().items.map((i: { code: string }) => i.code);
    expect(codes).toEqual(['ONEID', 'EMAIL', 'MOBILE', 'TAOBAO_ID', 'TAOBAO_NICK', 'IMEI', 'IMSI', 'IDFA', 'MAC_ORG', 'WEIBO_ID_ORG', 'ALIPAY_ID', 'UNION_ID', 'OAID', 'OPEN_ID']);
    expect(res.json().items.every((i: { enabled: boolean }) => i.enabled)).toBe(true);
    expect(res.json().items[13]).toMatchObject({ code: 'OPEN_ID', displayName: 'WeChat OpenID' });
  });

  it('disables and re-enables one type', async () => {
    const off = await t().request('PATCH', '/api/v1/id-types/IMEI', { enabled: false });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({ code: 'IMEI', enabled: false });
    const list = await t().request('GET', '/api/v1/id-types');
    expect(list.json().items.find((i: { code: string }) => i.code === 'IMEI').enabled).toBe(false);
    const on = await t().request('PATCH', '/api/v1/id-types/IMEI', { enabled: true });
    expect(on.json().enabled).toBe(true);
  });

  it('answers 404 for an unknown code and 400 for a bad body, changing nothing', async () => {
    const unknown = await t().request('PATCH', '/api/v1/id-types/NOPE', { enabled: false });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('NOT_FOUND');
    const bad = await t().request('PATCH', '/api/v1/id-types/EMAIL', { enabled: 'no', extra: 1 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details).toEqual(
      expect.arrayContaining([
        { path: 'enabled', message: 'must be boolean' },
        { path: 'extra', message: 'is not an allowed field' },
      ]),
    );
    const list = await t().request('GET', '/api/v1/id-types');
    expect(list.json().items.find((i: { code: string }) => i.code === 'EMAIL').enabled).toBe(true);
  });
});

describe('authentication', () => {
  const t = useTestApp('sqlite');

  it('answers 401 without a token or with a wrong one', async () => {
    for (const token of [null, 'wrong-token']) {
      const res = await t().request('GET', '/api/v1/id-types', undefined, token);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHORIZED');
    }
  });
});
