import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { closedPort, constantBody, create, interfaceBody, memberToken, PARAMETERS, startExampleInterface, STORES } from './support.js';

const KEY = 'the-crm-shared-key-7f3a';

describeEachDialect('Options of interface-based parameters', (dialect) => {
  const t = useTestApp(dialect, { HOOKREACH_INTERFACE_TIMEOUT_MS: '300' });
  let crm: Awaited<ReturnType<typeof startExampleInterface>>;
  let cityId: string;

  beforeAll(async () => {
    crm = await startExampleInterface(KEY);
  });
  afterAll(async () => {
    await crm?.close();
  });

  /** An interface-based parameter on `path` of the example interface, signed with its key. */
  async function storesOn(path: string, overrides: Record<string, unknown> = {}): Promise<string> {
    if (!cityId) cityId = (await create(t(), constantBody({ name: 'City', values: [{ name: 'BJ', displayName: 'Beijing' }, { name: 'SH', displayName: 'Shanghai' }] }))).id;
    const created = await create(t(), interfaceBody({
      name: `Stores ${path}`,
      url: crm.url(path),
      key: KEY,
      systemParameters: [
        { name: 'user', displayName: 'Logon user', value: 'currentUser' },
        { name: 'rows', displayName: 'Row permissions', value: 'rowPermissions' },
      ],
      associatedParameters: [
        { name: 'city', displayName: 'City', source: 'parameter', parameterId: cityId },
        { name: 'tags', displayName: 'Tags', source: 'manual', value: 'vip|new', separator: '|' },
      ],
      ...overrides,
    }));
    return created.id;
  }

  async function options(id: string, query = '', token?: string) {
    crm.requests.length = 0;
    return t().request('GET', `${PARAMETERS}/${id}/options${query}`, undefined, token);
  }

  it('fetches the options now, signed like a webhook, with system and associated values', async () => {
    const id = await storesOn('/options');
    const res = await options(id);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ items: STORES });

    expect(crm.requests).toHaveLength(1);
    const received = crm.requests[0]!;
    expect(received.method).toBe('POST');
    expect(received.signatureValid).toBe(true);
    expect(received.headers['content-type']).toBe('application/json');
    expect(received.query.get('nonce')).toMatch(/^[0-9a-f]{32}$/);
    expect(received.query.get('timestamp')).toBe(String(Math.floor(t().clock.now() / 1000)));
    expect(received.body).toEqual({
      parameter: { id, name: 'Stores /options' },
      systemParameters: {
        user: JSON.stringify({ id: 'mem_admin', name: 'Administrator', email: 'admin@localhost' }),
        rows: JSON.stringify({ workspaceId: 'ws_default', admin: true }),
      },
      associatedParameters: { tags: 'vip|new' },
    });
    expect(JSON.stringify(received.body)).not.toContain(KEY);
  });

  it('passes the chosen value of an associated parameter (cascading) and the parent', async () => {
    const id = await storesOn('/options');
    const byCity = await options(id, '?city=BJ');
    expect(byCity.statusCode).toBe(200);
    expect(byCity.json().items.map((o: { name: string }) => o.name)).toEqual(['S1', 'S2']);
    expect(crm.requests[0]!.body.associatedParameters).toEqual({ city: 'BJ', tags: 'vip|new' });
    expect(crm.requests[0]!.body).not.toHaveProperty('parent');

    const byParent = await options(id, '?parent=SH');
    expect(byParent.json().items).toEqual([{ name: 'S3', displayName: 'Store 3', parentValue: 'SH' }]);
    expect(crm.requests[0]!.body.parent).toBe('SH');

    const both = await options(id, '?parent=SH&city=BJ');
    expect(both.json().items).toEqual([]);
  });

  it('sends the calling member, not the admin, and their row permissions', async () => {
    const id = await storesOn('/options');
    const member = await memberToken(t(), { permissions: ['marketing.reach.webhook'] });
    const res = await options(id, '', member);
    expect(res.statusCode).toBe(200);
    const system = crm.requests[0]!.body.systemParameters as Record<string, string>;
    expect(JSON.parse(system.user!)).toMatchObject({ id: expect.stringMatching(/^mem_test_/), email: expect.stringMatching(/@example\.com$/) });
    expect(JSON.parse(system.rows!)).toEqual({ workspaceId: 'ws_default', admin: false });
  });

  it('signs with an empty header when the interface has no authentication', async () => {
    const open = await startExampleInterface(null);
    try {
      const created = await create(t(), interfaceBody({ name: 'Open stores', url: open.url('/options'), authMethod: 'none', key: undefined, associatedParameters: [] }));
      const res = await t().request('GET', `${PARAMETERS}/${created.id}/options`);
      expect(res.statusCode).toBe(200);
      expect(res.json().items).toHaveLength(3);
      expect(open.requests[0]!.headers['x-qa-hmac-signature']).toBe('');
      expect(open.requests[0]!.signatureValid).toBe(true);
    } finally {
      await open.close();
    }
  });

  it('keeps association names such as __proto__ and constructor as plain data', async () => {
    const id = await storesOn('/options', {
      associatedParameters: [
        { name: 'constructor', displayName: 'Unchosen', source: 'parameter', parameterId: cityId },
        { name: '__proto__', displayName: 'Manual', source: 'manual', value: 'x' },
      ],
    });
    const res = await options(id);
    expect(res.statusCode).toBe(200);
    const associated = crm.requests[0]!.body.associatedParameters as Record<string, string>;
    expect(Object.keys(associated)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(associated, '__proto__')?.value).toBe('x');
  });

  it('drops options that name another parent than the one asked for', async () => {
    const id = await storesOn('/echo');
    const res = await options(id, '?parent=X');
    expect(res.json().items).toEqual([{ name: 'E1', displayName: 'Echo', parentValue: 'X' }, { name: 'E3', displayName: 'Any' }]);
  });

  it('refuses query values that are not associations sourced from a parameter, without calling the interface', async () => {
    const id = await storesOn('/options');
    const res = await options(id, '?tags=x&shop=1');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([
      { path: 'query.tags', message: 'is set manually on the parameter and cannot be chosen' },
      { path: 'query.shop', message: 'is not an associated parameter of this parameter' },
    ]);
    expect(crm.requests).toHaveLength(0);
  });

  it('a wrong key is reported by the interface as a failure', async () => {
    const id = await storesOn('/options', { key: 'not-the-crm-key' });
    const res = await options(id);
    expect(res.statusCode).toBe(502);
    expect(crm.requests[0]!.signatureValid).toBe(false);
    expect(res.json().error.message).toContain('HTTP status 401 is not 2xx');
    expect(res.body).not.toContain('not-the-crm-key');
  });

  const failures: [string, string, RegExp][] = [
    ['a server slower than the timeout', '/slow', /no complete answer within 300 ms/],
    ['HTTP 500', '/500', /HTTP status 500 is not 2xx/],
    ['a body that is not JSON', '/not-json', /response body is not JSON/],
    ['code "ERR"', '/err', /"code" is "ERR", success needs exactly "OK".*message: "no stores for this user"/],
    ['options that are not an array', '/bad-shape', /"options" must be an array/],
    ['an option name over 256 characters', '/long-name', /options\[0\]\.name must be a string of 1\.\.256 characters/],
    ['more than 1000 options', '/too-many', /"options" has 1001 items; at most 1000 are allowed/],
    ['a streamed body over 1 MiB', '/huge', /the response body exceeds 1048576 bytes/],
    ['a declared body over 1 MiB', '/huge-declared', /the response body \(2097152 bytes\) exceeds 1048576 bytes/],
    ['a redirect', '/redirect', /HTTP status 302 is not 2xx \(redirects are not followed\)/],
    ['a connection reset', '/reset', /the connection was closed or reset before a complete answer/],
  ];
  for (const [what, path, reason] of failures) {
    it(`answers 502 INTERFACE_FAILED for ${what}`, async () => {
      const id = await storesOn(path);
      const started = Date.now();
      const res = await options(id);
      expect(res.statusCode).toBe(502);
      const error = res.json().error;
      expect(error.code).toBe('INTERFACE_FAILED');
      expect(error.message).toMatch(/^The parameter's interface did not give usable values: /);
      expect(error.message).toMatch(reason);
      expect(res.body).not.toContain(KEY);
      expect(Date.now() - started).toBeLessThan(2_000);
      if (path === '/redirect') expect(crm.requests.map((r) => r.path)).toEqual(['/redirect']);
    });
  }

  it('answers 502 INTERFACE_FAILED when the connection is refused', async () => {
    const port = await closedPort();
    const id = await storesOn('/options', { url: `http://127.0.0.1:${port}/options` });
    const res = await options(id);
    expect(res.statusCode).toBe(502);
    expect(res.json().error).toEqual({ code: 'INTERFACE_FAILED', message: "The parameter's interface did not give usable values: the connection was refused (ECONNREFUSED)" });
  });
});
