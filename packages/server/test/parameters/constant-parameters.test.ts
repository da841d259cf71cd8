import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { constantBody, create, memberToken, PARAMETERS, snapshot } from './support.js';

describeEachDialect('Constant-based parameters', (dialect) => {
  const t = useTestApp(dialect);

  it('creates one and reads it back with an ETag', async () => {
    const res = await t().request('POST', PARAMETERS, constantBody({ name: '  Coupon  ' }));
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toEqual({
      id: expect.stringMatching(/^par_[0-9a-z]{26}$/),
      name: 'Coupon',
      kind: 'constant',
      description: 'Coupons of the winter campaign',
      associatedParameterId: null,
      values: [
        { name: 'C42', displayName: '42% off' },
        { name: 'C10', displayName: '10% off' },
      ],
      version: 1,
      createdAt: '2026-12-01T01:00:00.000Z',
      updatedAt: '2026-12-01T01:00:00.000Z',
    });
    expect(res.headers.etag).toBe('"1"');
    const read = await t().request('GET', `${PARAMETERS}/${created.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.headers.etag).toBe('"1"');
    expect(read.json()).toEqual({ ...created, usedBy: [] });
  });

  it('defaults the description to empty', async () => {
    const body = constantBody();
    delete body.description;
    const created = await create(t(), body);
    expect(created.description).toBe('');
  });

  it('reports every schema problem at once, changing nothing', async () => {
    const before = await snapshot(t());
    const res = await t().request('POST', PARAMETERS, {
      kind: 'constant',
      name: 'x'.repeat(65),
      description: 'd'.repeat(501),
      url: 'https://not-for-constants.example.com',
      values: [
        { name: 'has space', displayName: '' },
        { name: 'x'.repeat(33), displayName: 'y'.repeat(33), extra: true },
        { name: 'ok', displayName: 'fine', parentValue: 1 },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION');
    const details = res.json().error.details as { path: string; message: string }[];
    expect(details.map((d) => d.path).sort()).toEqual(
      ['description', 'name', 'url', 'values[0].displayName', 'values[0].name', 'values[1].displayName', 'values[1].extra', 'values[1].name', 'values[2].parentValue'].sort(),
    );
    expect(details).toContainEqual({ path: 'url', message: 'is not an allowed field' });
    expect(await snapshot(t())).toEqual(before);
  });

  it('needs 1..20 values', async () => {
    const before = await snapshot(t());
    const none = await t().request('POST', PARAMETERS, constantBody({ values: [] }));
    expect(none.statusCode).toBe(400);
    expect(none.json().error.details).toEqual([{ path: 'values', message: 'must NOT have fewer than 1 items' }]);
    const many = Array.from({ length: 21 }, (_, i) => ({ name: `V${i}`, displayName: `Value ${i}` }));
    const tooMany = await t().request('POST', PARAMETERS, constantBody({ values: many }));
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error.details).toEqual([{ path: 'values', message: 'must NOT have more than 20 items' }]);
    expect(await snapshot(t())).toEqual(before);
    const twenty = await t().request('POST', PARAMETERS, constantBody({ values: many.slice(0, 20) }));
    expect(twenty.statusCode).toBe(201);
    expect(twenty.json().values).toHaveLength(20);
  });

  it('accepts value names of exactly 32 English letters, digits and underscores, and display names of 32', async () => {
    const created = await create(t(), constantBody({ values: [{ name: `A_${'9'.repeat(30)}`, displayName: 'é'.repeat(32) }] }));
    expect(created.values).toEqual([{ name: `A_${'9'.repeat(30)}`, displayName: 'é'.repeat(32) }]);
  });

  it('refuses non-English value names', async () => {
    for (const name of ['优惠券', 'C-42', '', 'C42 ']) {
      const res = await t().request('POST', PARAMETERS, constantBody({ values: [{ name, displayName: 'x' }] }));
      expect(res.statusCode, name).toBe(400);
      expect(res.json().error.details[0].path).toBe('values[0].name');
    }
  });

  it('refuses a blank name and duplicate value names, all at once', async () => {
    const before = await snapshot(t());
    const res = await t().request('POST', PARAMETERS, constantBody({
      name: '   ',
      values: [
        { name: 'C1', displayName: 'a' },
        { name: 'C2', displayName: 'b' },
        { name: 'C1', displayName: 'c' },
        { name: 'C2', displayName: 'd' },
      ],
    }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([
      { path: 'name', message: 'must not be blank' },
      { path: 'values[2].name', message: 'duplicates values[0].name "C1"' },
      { path: 'values[3].name', message: 'duplicates values[1].name "C2"' },
    ]);
    expect(await snapshot(t())).toEqual(before);
  });

  it('refuses parentValue without an association', async () => {
    const res = await t().request('POST', PARAMETERS, constantBody({ values: [{ name: 'C1', displayName: 'a', parentValue: 'BJ' }] }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([{ path: 'values[0].parentValue', message: 'is only allowed when associatedParameterId is set' }]);
  });

  it('reports a missing or unknown kind on the kind field only', async () => {
    const missing = await t().request('POST', PARAMETERS, { name: 'X', values: [] });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details).toEqual([{ path: 'kind', message: 'is required' }]);
    const unknown = await t().request('POST', PARAMETERS, { kind: 'variable', name: 'X' });
    expect(unknown.json().error.details).toEqual([{ path: 'kind', message: 'must be one of: constant, interface' }]);
    const notObject = await t().request('POST', PARAMETERS, [1]);
    expect(notObject.statusCode).toBe(400);
  });

  it('refuses NUL characters (PostgreSQL text cannot hold them) in the body, the id and the search', async () => {
    const before = await snapshot(t());
    const res = await t().request('POST', PARAMETERS, constantBody({
      name: 'Cou\u0000pon',
      associatedParameterId: 'par_\u0000',
      values: [{ name: 'C1', displayName: 'one\u0000', parentValue: 'x\u0000' }],
    }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([
      { path: 'name', message: 'must not contain the NUL character' },
      { path: 'values[0].displayName', message: 'must not contain the NUL character' },
      { path: 'values[0].parentValue', message: 'must not contain the NUL character' },
      { path: 'associatedParameterId', message: 'must not contain the NUL character' },
    ]);
    expect(await snapshot(t())).toEqual(before);
    for (const [method, url] of [['GET', `${PARAMETERS}/%00`], ['DELETE', `${PARAMETERS}/%00`], ['GET', `${PARAMETERS}/%00/options`], ['GET', `${PARAMETERS}/..%2Fetc`]] as const) {
      const bad = await t().request(method, url);
      expect(bad.statusCode, url).toBe(400);
      expect(bad.json().error.details[0].path).toBe('params.id');
    }
    const search = await t().request('GET', `${PARAMETERS}?search=a%00`);
    expect(search.statusCode).toBe(400);
    expect(search.json().error.details).toEqual([{ path: 'query.search', message: 'must not contain the NUL character' }]);
  });

  it('edits with If-Match, bumping the version', async () => {
    const created = await create(t(), constantBody({ name: 'Editable' }));
    t().clock.advance(60_000);
    const res = await t().app.inject({
      method: 'PUT',
      url: `${PARAMETERS}/${created.id}`,
      headers: { authorization: `Bearer hrk_test_admin_token_0123456789`, 'if-match': '"1"' },
      payload: constantBody({ name: 'Edited', values: [{ name: 'C99', displayName: '99% off' }] }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBe('"2"');
    expect(res.json()).toMatchObject({ id: created.id, name: 'Edited', version: 2, createdAt: created.createdAt, updatedAt: '2026-12-01T01:01:00.000Z', values: [{ name: 'C99', displayName: '99% off' }] });
    const read = await t().request('GET', `${PARAMETERS}/${created.id}`);
    expect(read.json().values).toEqual([{ name: 'C99', displayName: '99% off' }]);
  });

  it('answers 412 for a stale If-Match and changes nothing', async () => {
    const created = await create(t(), constantBody({ name: 'Stale' }));
    await t().request('PUT', `${PARAMETERS}/${created.id}`, constantBody({ name: 'Stale v2' }));
    const before = await snapshot(t());
    const res = await t().app.inject({
      method: 'PUT',
      url: `${PARAMETERS}/${created.id}`,
      headers: { authorization: `Bearer hrk_test_admin_token_0123456789`, 'if-match': '"1"' },
      payload: constantBody({ name: 'Stale v3' }),
    });
    expect(res.statusCode).toBe(412);
    expect(res.json().error.code).toBe('PRECONDITION_FAILED');
    expect(await snapshot(t())).toEqual(before);
  });

  it('refuses to change the kind on edit with a field error', async () => {
    const created = await create(t(), constantBody({ name: 'Stays constant' }));
    const before = await snapshot(t());
    const res = await t().request('PUT', `${PARAMETERS}/${created.id}`, { kind: 'interface', name: 'Now interface', url: 'https://x.example.com', authMethod: 'none' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([{ path: 'kind', message: 'cannot change from "constant" to "interface"; create a new parameter instead' }]);
    expect(await snapshot(t())).toEqual(before);
  });

  it('answers 404 for an unknown id on read, edit, delete and options', async () => {
    for (const [method, url, body] of [
      ['GET', `${PARAMETERS}/par_nope`, undefined],
      ['PUT', `${PARAMETERS}/par_nope`, constantBody()],
      ['DELETE', `${PARAMETERS}/par_nope`, undefined],
      ['GET', `${PARAMETERS}/par_nope/options`, undefined],
    ] as const) {
      const res = await t().request(method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().error).toEqual({ code: 'NOT_FOUND', message: 'Parameter "par_nope" does not exist' });
    }
  });

  it('lets only administrators create, edit and delete; members with the webhook permission can read', async () => {
    const created = await create(t(), constantBody({ name: 'Admin only' }));
    const member = await memberToken(t(), { permissions: ['marketing.reach.webhook'] });
    const before = await snapshot(t());
    for (const [method, url, body] of [
      ['POST', PARAMETERS, constantBody()],
      ['PUT', `${PARAMETERS}/${created.id}`, constantBody()],
      ['DELETE', `${PARAMETERS}/${created.id}`, undefined],
    ] as const) {
      const res = await t().request(method, url, body, member);
      expect(res.statusCode, method).toBe(403);
      expect(res.json().error.code).toBe('ADMIN_REQUIRED');
    }
    expect(await snapshot(t())).toEqual(before);
    expect((await t().request('GET', `${PARAMETERS}/${created.id}`, undefined, member)).statusCode).toBe(200);
    expect((await t().request('GET', `${PARAMETERS}/${created.id}/options`, undefined, member)).json().items).toHaveLength(2);
    const withoutRole = await memberToken(t());
    for (const url of [PARAMETERS, `${PARAMETERS}/${created.id}`, `${PARAMETERS}/${created.id}/options`]) {
      const res = await t().request('GET', url, undefined, withoutRole);
      expect(res.statusCode, url).toBe(403);
      expect(res.json().error.code).toBe('PERMISSION_REQUIRED');
    }
    expect((await t().request('GET', PARAMETERS, undefined, null)).statusCode).toBe(401);
  });

  it('keeps workspaces apart', async () => {
    const created = await create(t(), constantBody({ name: 'Default workspace only' }));
    const stranger = await memberToken(t(), { admin: true, workspaceId: 'ws_other' });
    expect((await t().request('GET', `${PARAMETERS}/${created.id}`, undefined, stranger)).statusCode).toBe(404);
    expect((await t().request('DELETE', `${PARAMETERS}/${created.id}`, undefined, stranger)).statusCode).toBe(404);
    expect((await t().request('GET', PARAMETERS, undefined, stranger)).json().total).toBe(0);
    const associated = await t().request('POST', PARAMETERS, constantBody({ associatedParameterId: created.id, values: [{ name: 'X', displayName: 'x', parentValue: 'C42' }] }), stranger);
    expect(associated.statusCode).toBe(400);
    expect(associated.json().error.details).toEqual([{ path: 'associatedParameterId', message: `parameter "${created.id}" does not exist` }]);
  });
});
