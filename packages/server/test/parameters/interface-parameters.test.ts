import { expect, it } from 'vitest';
import { keyContext } from '../../src/parameters/model.js';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { constantBody, create, interfaceBody, PARAMETERS, snapshot } from './support.js';

const KEY = 'k3y-0f-the-stores-interface';

describeEachDialect('Interface-based parameters', (dialect) => {
  const t = useTestApp(dialect);

  async function storedKey(id: string): Promise<string | null> {
    const row = await t().ctx.store.db.selectFrom('parameters').select('key_sealed').where('id', '=', id).executeTakeFirstOrThrow();
    return row.key_sealed;
  }

  it('creates one; the key is sealed at rest and never returned', async () => {
    const city = await create(t(), constantBody({ name: 'City', values: [{ name: 'BJ', displayName: 'Beijing' }] }));
    const res = await t().request('POST', PARAMETERS, interfaceBody({
      associatedParameters: [
        { name: 'city', displayName: 'City', source: 'parameter', parameterId: city.id },
        { name: 'tags', displayName: 'Tags', source: 'manual', value: 'a|b', separator: '|' },
      ],
      systemParameters: [
        { name: 'user', displayName: 'Logon user', value: 'currentUser' },
        { name: 'rows', displayName: '', value: 'rowPermissions' },
      ],
    }));
    expect(res.statusCode).toBe(201);
    expect(res.body).not.toContain(KEY);
    const created = res.json();
    expect(created).toEqual({
      id: expect.stringMatching(/^par_/),
      name: 'Stores',
      kind: 'interface',
      description: 'Input: city',
      url: 'https://crm.example.com/options',
      authMethod: 'key',
      keySet: true,
      systemParameters: [
        { name: 'user', displayName: 'Logon user', value: 'currentUser' },
        { name: 'rows', displayName: '', value: 'rowPermissions' },
      ],
      associatedParameters: [
        { name: 'city', displayName: 'City', source: 'parameter', parameterId: city.id },
        { name: 'tags', displayName: 'Tags', source: 'manual', value: 'a|b', separator: '|' },
      ],
      version: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const sealed = await storedKey(created.id);
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain(KEY);
    expect(t().ctx.secrets.open(sealed!, keyContext(created.id))).toBe(KEY);
    const row = await t().ctx.store.db.selectFrom('parameters').select('settings').where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(row.settings).not.toContain(KEY);

    for (const url of [`${PARAMETERS}/${created.id}`, PARAMETERS, `${PARAMETERS}?kind=interface`]) {
      const read = await t().request('GET', url);
      expect(read.statusCode).toBe(200);
      expect(read.body).not.toContain(KEY);
      expect(read.body).not.toContain(sealed!);
      expect(read.body).toContain('"keySet":true');
    }
    const references = await t().ctx.store.db.selectFrom('parameter_references').selectAll().where('parameter_id', '=', created.id).execute();
    expect(references).toEqual([{ parameter_id: created.id, referenced_id: city.id }]);
  });

  it('keeps the stored key when an edit omits it, replaces it when given, drops it when switching to none', async () => {
    const created = await create(t(), interfaceBody({ name: 'Key lifecycle' }));
    const first = await storedKey(created.id);

    const withoutKey = interfaceBody({ name: 'Key lifecycle v2' });
    delete withoutKey.key;
    const kept = await t().request('PUT', `${PARAMETERS}/${created.id}`, withoutKey);
    expect(kept.statusCode).toBe(200);
    expect(kept.json()).toMatchObject({ keySet: true, version: 2, name: 'Key lifecycle v2' });
    expect(await storedKey(created.id)).toBe(first);

    const replaced = await t().request('PUT', `${PARAMETERS}/${created.id}`, interfaceBody({ name: 'Key lifecycle', key: 'a-new-key' }));
    expect(replaced.statusCode).toBe(200);
    expect(replaced.body).not.toContain('a-new-key');
    const second = await storedKey(created.id);
    expect(second).not.toBe(first);
    expect(t().ctx.secrets.open(second!, keyContext(created.id))).toBe('a-new-key');

    const none = interfaceBody({ name: 'Key lifecycle', authMethod: 'none' });
    delete none.key;
    const dropped = await t().request('PUT', `${PARAMETERS}/${created.id}`, none);
    expect(dropped.statusCode).toBe(200);
    expect(dropped.json()).toMatchObject({ authMethod: 'none', keySet: false });
    expect(await storedKey(created.id)).toBeNull();

    // With no key stored any more, switching back to key auth needs one.
    const back = interfaceBody({ name: 'Key lifecycle' });
    delete back.key;
    const refused = await t().request('PUT', `${PARAMETERS}/${created.id}`, back);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details).toEqual([{ path: 'key', message: 'is required when authMethod is "key"' }]);
  });

  it('needs a key for key auth and refuses one without it', async () => {
    const before = await snapshot(t());
    const keyless = interfaceBody();
    delete keyless.key;
    const missing = await t().request('POST', PARAMETERS, keyless);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details).toEqual([{ path: 'key', message: 'is required when authMethod is "key"' }]);
    const extra = await t().request('POST', PARAMETERS, interfaceBody({ authMethod: 'none', key: 'secret-but-unused' }));
    expect(extra.statusCode).toBe(400);
    expect(extra.body).not.toContain('secret-but-unused');
    expect(extra.json().error.details).toEqual([{ path: 'key', message: 'is only allowed when authMethod is "key"' }]);
    const empty = await t().request('POST', PARAMETERS, interfaceBody({ key: '' }));
    expect(empty.json().error.details).toEqual([{ path: 'key', message: 'must NOT have fewer than 1 characters' }]);
    const long = await t().request('POST', PARAMETERS, interfaceBody({ key: 'k'.repeat(257) }));
    expect(long.json().error.details).toEqual([{ path: 'key', message: 'must NOT have more than 256 characters' }]);
    expect(long.body).not.toContain('k'.repeat(257));
    expect(await snapshot(t())).toEqual(before);
  });

  it('accepts only absolute http and https URLs up to 2048 characters', async () => {
    const before = await snapshot(t());
    for (const url of ['ftp://crm.example.com/options', 'crm.example.com/options', '/options', 'http://', 'javascript:alert(1)', `https://e.example.com/${'a'.repeat(2030)}`]) {
      const res = await t().request('POST', PARAMETERS, interfaceBody({ url }));
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.details.map((d: { path: string }) => d.path), url).toEqual(['url']);
    }
    expect(await snapshot(t())).toEqual(before);
    const plain = await t().request('POST', PARAMETERS, interfaceBody({ name: 'Plain http', url: 'http://10.0.0.8:8080/options?tenant=7', authMethod: 'none', key: undefined }));
    expect(plain.statusCode).toBe(201);
    expect(plain.json()).toMatchObject({ url: 'http://10.0.0.8:8080/options?tenant=7', keySet: false });
  });

  it('checks system and associated parameter lists: size, names, sources, all at once', async () => {
    const before = await snapshot(t());
    const system = Array.from({ length: 21 }, (_, i) => ({ name: `s${i}`, displayName: 'x', value: 'currentUser' }));
    const tooMany = await t().request('POST', PARAMETERS, interfaceBody({ systemParameters: system, associatedParameters: system.map((s) => ({ name: s.name, displayName: 'x', source: 'manual', value: 'v' })) }));
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error.details).toEqual([
      { path: 'systemParameters', message: 'must NOT have more than 20 items' },
      { path: 'associatedParameters', message: 'must NOT have more than 20 items' },
    ]);

    const shapes = await t().request('POST', PARAMETERS, interfaceBody({
      systemParameters: [
        { name: 'bad name', displayName: 'x'.repeat(33), value: 'currentMood' },
        { name: 'ok', displayName: 'ok', value: 'currentUser', extra: 1 },
      ],
      associatedParameters: [
        { name: 'a', displayName: 'A', source: 'parameter' },
        { name: 'b', displayName: 'B', source: 'manual', value: '', separator: '123456789' },
        { name: 'c', displayName: 'C', source: 'elsewhere' },
        { name: 'd', displayName: 'D', value: 'x' },
        { name: 'e', displayName: 'E', source: 'manual', value: 'x', parameterId: 'par_x' },
      ],
    }));
    expect(shapes.statusCode).toBe(400);
    expect(shapes.json().error.details).toEqual(expect.arrayContaining([
      { path: 'systemParameters[0].name', message: 'must match pattern "^[A-Za-z0-9_]{1,32}$"' },
      { path: 'systemParameters[0].displayName', message: 'must NOT have more than 32 characters' },
      { path: 'systemParameters[0].value', message: 'must be one of: currentUser, rowPermissions' },
      { path: 'systemParameters[1].extra', message: 'is not an allowed field' },
      { path: 'associatedParameters[0].parameterId', message: 'is required' },
      { path: 'associatedParameters[1].value', message: 'must NOT have fewer than 1 characters' },
      { path: 'associatedParameters[1].separator', message: 'must NOT have more than 8 characters' },
      { path: 'associatedParameters[2].source', message: 'must be one of: parameter, manual' },
      { path: 'associatedParameters[3].source', message: 'is required' },
      { path: 'associatedParameters[4].parameterId', message: 'is not an allowed field' },
    ]));
    expect(shapes.json().error.details).toHaveLength(10);

    const semantic = await t().request('POST', PARAMETERS, interfaceBody({
      name: '',
      systemParameters: [
        { name: 'user', displayName: 'x', value: 'currentUser' },
        { name: 'user', displayName: 'y', value: 'rowPermissions' },
      ],
      associatedParameters: [
        { name: 'city', displayName: 'City', source: 'parameter', parameterId: 'par_missing' },
        { name: 'city', displayName: 'Again', source: 'manual', value: 'x' },
        { name: 'parent', displayName: 'Parent', source: 'manual', value: 'x' },
      ],
    }));
    expect(semantic.statusCode).toBe(400);
    expect(semantic.json().error.details).toEqual([
      { path: 'name', message: 'must NOT have fewer than 1 characters' },
    ]);
    const semantic2 = await t().request('POST', PARAMETERS, interfaceBody({
      name: ' ',
      systemParameters: [
        { name: 'user', displayName: 'x', value: 'currentUser' },
        { name: 'user', displayName: 'y', value: 'rowPermissions' },
      ],
      associatedParameters: [
        { name: 'city', displayName: 'City', source: 'parameter', parameterId: 'par_missing' },
        { name: 'city', displayName: 'Again', source: 'manual', value: 'x' },
        { name: 'parent', displayName: 'Parent', source: 'manual', value: 'x' },
      ],
    }));
    expect(semantic2.json().error.details).toEqual([
      { path: 'name', message: 'must not be blank' },
      { path: 'systemParameters[1].name', message: 'duplicates systemParameters[0].name "user"' },
      { path: 'associatedParameters[1].name', message: 'duplicates associatedParameters[0].name "city"' },
      { path: 'associatedParameters[2].name', message: '"parent" is reserved (it is the options query\'s parent value)' },
      { path: 'associatedParameters[0].parameterId', message: 'parameter "par_missing" does not exist' },
    ]);
    expect(await snapshot(t())).toEqual(before);
  });

  it('accepts 20 of each and a 1000-character manual value', async () => {
    const system = Array.from({ length: 20 }, (_, i) => ({ name: `s${i}`, displayName: 'd'.repeat(32), value: i % 2 ? 'currentUser' : 'rowPermissions' }));
    const associated = Array.from({ length: 20 }, (_, i) => ({ name: `a${i}`, displayName: 'x', source: 'manual', value: 'v'.repeat(1000), separator: ';;' }));
    const created = await create(t(), interfaceBody({ name: 'Full', systemParameters: system, associatedParameters: associated }));
    expect(created.systemParameters).toEqual(system);
    expect(created.associatedParameters).toEqual(associated);
  });
});
