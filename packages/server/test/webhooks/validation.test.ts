import { beforeAll, expect, it, vi } from 'vitest';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { addManagedParameter, setIdType, tableCounts, webhookBody } from './support.js';

type Detail = { path: string; message: string };

describeEachDialect('Webhooks: validation', (dialect) => {
  const t = useTestApp(dialect);

  beforeAll(async () => {
    await addManagedParameter(t(), 'par_const', 'constant', { values: [{ name: 'CP1' }] });
    await t().ctx.store.db.insertInto('workspaces').values({ id: 'ws_other', name: 'Other', created_at: 0 }).execute();
    await addManagedParameter(t(), 'par_foreign', 'constant', { values: [] }, 'ws_other');
  });

  /** Posts a create body, expects 400 VALIDATION and no write; returns the details. */
  const refused = async (body: unknown): Promise<Detail[]> => {
    const before = await tableCounts(t());
    const res = await t().request('POST', '/api/v1/webhooks', body);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION');
    expect(await tableCounts(t())).toEqual(before);
    return res.json().error.details;
  };
  const paths = (details: Detail[]) => details.map((d) => d.path).sort();

  it('reports every schema error of one body at once, with field paths', async () => {
    const details = await refused({
      name: '',
      authMethod: 'basic',
      url: 5,
      idTypes: [],
      parameters: [
        { name: 'ok_name', displayName: 'X', type: 'bool' },
        { name: 'bad name!', displayName: '', type: 'string', required: 'yes' },
      ],
      passEnvironment: 'true',
      receipt: { enabled: true, retentionHours: 0, statuses: [{ code: 'bad code', value: '' }] },
      colour: 'blue',
    });
    expect(paths(details)).toEqual(
      [
        'name',
        'authMethod',
        'url',
        'idTypes',
        'parameters[0].type',
        'parameters[1].name',
        'parameters[1].displayName',
        'parameters[1].required',
        'passEnvironment',
        'receipt.retentionHours',
        'receipt.statuses[0].code',
        'receipt.statuses[0].value',
        'colour',
      ].sort(),
    );
    expect(details).toContainEqual({ path: 'authMethod', message: 'must be one of: none, key' });
    expect(details).toContainEqual({ path: 'colour', message: 'is not an allowed field' });
  });

  it('reports every semantic error of one body at once, with field paths', async () => {
    await setIdType(t(), 'IMEI', false);
    try {
      const details = await refused(
        webhookBody({
          name: '   ',
          authMethod: 'key',
          key: undefined,
          url: 'ftp://crm.example.com/hook#top',
          idTypes: ['OPEN_ID', 'NOPE', 'OPEN_ID', 'IMEI'],
          parameters: [
            { name: 'coupon', displayName: 'Coupon', type: 'parameter' },
            { name: 'coupon', displayName: '  ', type: 'string', parameterId: 'par_const' },
            { name: 'other', displayName: 'Other', type: 'parameter', parameterId: 'par_missing' },
            { name: 'foreign', displayName: 'Foreign', type: 'parameter', parameterId: 'par_foreign' },
          ],
          receipt: { enabled: true, statuses: [{ code: '200', value: 'Success' }, { code: '200', value: '  ' }] },
        }),
      );
      expect(details).toEqual(
        expect.arrayContaining([
          { path: 'name', message: 'must not be blank' },
          { path: 'key', message: 'is required when authMethod is key' },
          { path: 'url', message: 'must use http or https' },
          { path: 'url', message: 'must not have a fragment (#...)' },
          { path: 'idTypes[1]', message: '"NOPE" is not an ID type of this workspace' },
          { path: 'idTypes[2]', message: 'duplicates idTypes[0]' },
          { path: 'idTypes[3]', message: '"IMEI" is disabled in ID Type Management' },
          { path: 'parameters[0].parameterId', message: 'is required when type is parameter' },
          { path: 'parameters[1].name', message: 'duplicates parameters[0].name' },
          { path: 'parameters[1].displayName', message: 'must not be blank' },
          { path: 'parameters[1].parameterId', message: 'is only allowed when type is parameter' },
          { path: 'parameters[2].parameterId', message: 'is not a managed parameter of this workspace' },
          { path: 'parameters[3].parameterId', message: 'is not a managed parameter of this workspace' },
          { path: 'receipt.statuses[1].code', message: 'duplicates receipt.statuses[0].code' },
          { path: 'receipt.statuses[1].value', message: 'must not be blank' },
        ]),
      );
      expect(details).toHaveLength(15);
    } finally {
      await setIdType(t(), 'IMEI', true);
    }
  });

  it('refuses a disabled ID type at create, and accepts it once enabled again', async () => {
    await setIdType(t(), 'MOBILE', false);
    const details = await refused(webhookBody({ idTypes: ['OPEN_ID', 'MOBILE'] }));
    expect(details).toEqual([{ path: 'idTypes[1]', message: '"MOBILE" is disabled in ID Type Management' }]);
    await setIdType(t(), 'MOBILE', true);
    expect((await t().request('POST', '/api/v1/webhooks', webhookBody({ idTypes: ['OPEN_ID', 'MOBILE'] }))).statusCode).toBe(201);
  });

  it('refuses URLs that are not absolute http(s) without fragment, spaces, or over 2048 characters', async () => {
    const cases: [string, string][] = [
      ['javascript:alert(1)', 'must use http or https'],
      ['crm.example.com/hook', 'must be an absolute http or https URL'],
      ['https://crm.example.com/a b', 'must not contain spaces or control characters'],
      [' https://crm.example.com/hook', 'must not contain spaces or control characters'],
      ['https://crm.example.com/\thook', 'must not contain spaces or control characters'],
      ['https://crm.example.com/hook#', 'must not have a fragment (#...)'],
      [`https://crm.example.com/${'a'.repeat(2030)}`, 'must NOT have more than 2048 characters'],
    ];
    for (const [url, message] of cases) expect(await refused(webhookBody({ url })), url).toEqual([{ path: 'url', message }]);
    const ok = await t().request('POST', '/api/v1/webhooks', webhookBody({ url: 'http://crm.example.com:8080/qa/hook?tenant=7' }));
    expect(ok.statusCode).toBe(201);
    expect(ok.json().url).toBe('http://crm.example.com:8080/qa/hook?tenant=7');
  });

  it('checks the key against the authentication method', async () => {
    expect(await refused(webhookBody({ authMethod: 'none', key: 'k' }))).toEqual([{ path: 'key', message: 'is only allowed when authMethod is key' }]);
    expect(await refused(webhookBody({ key: 'secret\n' }))).toEqual([{ path: 'key', message: 'must not start or end with whitespace' }]);
    expect(await refused(webhookBody({ key: '' }))).toEqual([{ path: 'key', message: 'must NOT have fewer than 1 characters' }]);
    expect(await refused(webhookBody({ key: 'k'.repeat(257) }))).toEqual([{ path: 'key', message: 'must NOT have more than 256 characters' }]);
    expect((await t().request('POST', '/api/v1/webhooks', webhookBody({ key: 'k'.repeat(256) }))).statusCode).toBe(201);
  });

  it('bounds names, ID types, parameters, statuses and retention', async () => {
    expect(paths(await refused(webhookBody({ name: 'n'.repeat(65) })))).toEqual(['name']);
    const fifteen = ['ONEID', 'EMAIL', 'MOBILE', 'TAOBAO_ID', 'TAOBAO_NICK', 'IMEI', 'IMSI', 'IDFA', 'MAC_ORG', 'WEIBO_ID_ORG', 'ALIPAY_ID', 'UNION_ID', 'OAID', 'OPEN_ID', 'ONEID'];
    expect(paths(await refused(webhookBody({ idTypes: fifteen })))).toEqual(['idTypes']);
    const parameters = Array.from({ length: 51 }, (_, i) => ({ name: `p${i}`, displayName: `P${i}`, type: 'string' }));
    expect(paths(await refused(webhookBody({ parameters })))).toEqual(['parameters']);
    expect(paths(await refused(webhookBody({ parameters: [{ name: 'p'.repeat(33), displayName: 'x'.repeat(33), type: 'string' }] })))).toEqual([
      'parameters[0].displayName',
      'parameters[0].name',
    ]);
    const statuses = Array.from({ length: 51 }, (_, i) => ({ code: `c${i}`, value: 'v' }));
    expect(paths(await refused(webhookBody({ receipt: { enabled: true, statuses } })))).toEqual(['receipt.statuses']);
    expect(paths(await refused(webhookBody({ receipt: { enabled: true, statuses: [{ code: 'c'.repeat(33), value: 'v'.repeat(33) }] } })))).toEqual([
      'receipt.statuses[0].code',
      'receipt.statuses[0].value',
    ]);
    for (const retentionHours of [0, 721, 1.5, '72']) {
      expect(paths(await refused(webhookBody({ receipt: { enabled: false, retentionHours } }))), String(retentionHours)).toEqual(['receipt.retentionHours']);
    }
    const max = await t().request('POST', '/api/v1/webhooks', webhookBody({ receipt: { enabled: true, retentionHours: 720, statuses: [{ code: 'a.b-c_D', value: 'OK' }] } }));
    expect(max.statusCode, max.body).toBe(201);
    expect(max.json().receipt).toEqual({ enabled: true, retentionHours: 720, statuses: [{ code: 'a.b-c_D', value: 'OK' }] });
  });

  it('needs at least one status when receipts are enabled', async () => {
    expect(await refused(webhookBody({ receipt: { enabled: true, statuses: [] } }))).toEqual([
      { path: 'receipt.statuses', message: 'needs at least one status when receipts are enabled' },
    ]);
    expect(await refused(webhookBody({ receipt: { enabled: true } }))).toEqual([
      { path: 'receipt.statuses', message: 'needs at least one status when receipts are enabled' },
    ]);
    const off = await t().request('POST', '/api/v1/webhooks', webhookBody({ receipt: { enabled: false } }));
    expect(off.json().receipt).toEqual({ enabled: false, retentionHours: 72, statuses: [] });
  });

  it('names a managed parameter deleted between validation and the write, instead of failing', async () => {
    await addManagedParameter(t(), 'par_vanishing', 'constant', { values: [{ name: 'V' }] });
    const db = t().ctx.store.db;
    const realTransaction = db.transaction.bind(db);
    // The parameters feature deletes the parameter just before this create's transaction runs.
    const spy = vi.spyOn(db, 'transaction').mockImplementationOnce(() => {
      const builder = realTransaction();
      return {
        execute: async (fn: never) => {
          await db.deleteFrom('parameters').where('id', '=', 'par_vanishing').execute();
          return builder.execute(fn);
        },
      } as never;
    });
    try {
      const details = await refused(webhookBody({ parameters: [{ name: 'v', displayName: 'V', type: 'parameter', parameterId: 'par_vanishing' }] }));
      expect(details).toEqual([{ path: 'parameters[0].parameterId', message: 'is not a managed parameter of this workspace' }]);
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it('refuses control characters and malformed ids with 400 on every dialect (PostgreSQL rejects NUL)', async () => {
    expect(await refused(webhookBody({ name: 'Coupon\u0000sender', parameters: [{ name: 'p', displayName: 'P\u0007', type: 'string' }] }))).toEqual([
      { path: 'name', message: 'must not contain control characters' },
      { path: 'parameters[0].displayName', message: 'must not contain control characters' },
    ]);
    expect(paths(await refused(webhookBody({ parameters: [{ name: 'p', displayName: 'P', type: 'parameter', parameterId: 'par\u0000x' }] })))).toEqual(['parameters[0].parameterId']);
    const search = await t().request('GET', '/api/v1/webhooks?search=a%00b');
    expect(search.statusCode).toBe(400);
    expect(search.json().error.details[0].path).toBe('query.search');
    for (const [method, suffix] of [['GET', ''], ['GET', '/preview'], ['PUT', ''], ['POST', '/enable'], ['POST', '/copy'], ['DELETE', '']] as const) {
      const res = await t().request(method, `/api/v1/webhooks/wh%00x${suffix}`, method === 'PUT' ? webhookBody() : undefined);
      expect(res.statusCode, `${method} ${suffix}`).toBe(400);
      expect(res.json().error.details[0].path).toBe('params.id');
    }
  });

  it('answers malformed JSON and wrong media types with 4xx, writing nothing', async () => {
    const before = await tableCounts(t());
    const headers = { authorization: 'Bearer hrk_test_admin_token_0123456789', 'content-type': 'application/json' };
    const broken = await t().app.inject({ method: 'POST', url: '/api/v1/webhooks', headers, payload: '{"name": ' });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe('MALFORMED_JSON');
    const text = await t().app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: { ...headers, 'content-type': 'text/plain' }, payload: 'hi' });
    expect(text.statusCode).toBe(415);
    expect(text.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const array = await t().request('POST', '/api/v1/webhooks', [webhookBody()]);
    expect(array.statusCode).toBe(400);
    expect(await tableCounts(t())).toEqual(before);
  });
});
