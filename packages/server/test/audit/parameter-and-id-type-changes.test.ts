import { expect, it } from 'vitest';
import { ADMIN_MEMBER_ID } from '../../src/access/bootstrap.js';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { constantBody, create, interfaceBody, PARAMETERS } from '../parameters/support.js';
import { auditLog, entriesOf, rawAuditText } from './support.js';

const INTERFACE_KEY = 'k3y-0f-the-stores-interface';
const NEW_INTERFACE_KEY = 'an0ther-interface-k3y';

describeEachDialect('Audit log: parameter and ID type changes', (dialect) => {
  const t = useTestApp(dialect);

  it('records a parameter\'s create, edit and delete with before and after', async () => {
    const at = t().clock.now();
    const coupon = await create(t(), constantBody());
    t().clock.advance(1000);
    const edit = await t().request('PUT', `${PARAMETERS}/${coupon.id}`, constantBody({ description: 'Spring campaign', values: [{ name: 'C5', displayName: '5% off' }] }));
    expect(edit.statusCode, edit.body).toBe(200);
    const edited = edit.json();
    t().clock.advance(1000);
    expect((await t().request('DELETE', `${PARAMETERS}/${coupon.id}`)).statusCode).toBe(204);

    const entries = await entriesOf(t(), 'parameter', coupon.id);
    expect(entries.map((e) => [e.action, e.at])).toEqual([
      ['delete', new Date(at + 2000).toISOString()],
      ['update', new Date(at + 1000).toISOString()],
      ['create', new Date(at).toISOString()],
    ]);
    expect(entries.every((e) => e.actor.id === ADMIN_MEMBER_ID && e.resourceType === 'parameter')).toBe(true);
    expect(entries[2]).toMatchObject({ before: null, after: coupon });
    expect(entries[1]).toMatchObject({ before: coupon, after: edited });
    expect((entries[1]!.after as { values: unknown[] }).values).toEqual([{ name: 'C5', displayName: '5% off' }]);
    expect(entries[0]).toMatchObject({ before: edited, after: null });
  });

  it('never stores or returns an interface key, even sealed: only keySet', async () => {
    const stores = await create(t(), interfaceBody({ key: INTERFACE_KEY }));
    const sealed = (await t().ctx.store.db.selectFrom('parameters').select('key_sealed').where('id', '=', stores.id).executeTakeFirstOrThrow()).key_sealed!;
    const edit = await t().request('PUT', `${PARAMETERS}/${stores.id}`, interfaceBody({ key: NEW_INTERFACE_KEY, description: 'Input: city and tags' }));
    expect(edit.statusCode, edit.body).toBe(200);
    const resealed = (await t().ctx.store.db.selectFrom('parameters').select('key_sealed').where('id', '=', stores.id).executeTakeFirstOrThrow()).key_sealed!;

    const entries = await entriesOf(t(), 'parameter', stores.id);
    expect(entries.map((e) => e.action)).toEqual(['update', 'create']);
    expect(entries[0]!.before).toMatchObject({ keySet: true, description: 'Input: city' });
    expect(entries[0]!.after).toMatchObject({ keySet: true, description: 'Input: city and tags' });
    const stored = await rawAuditText(t());
    const listed = (await auditLog(t(), 'pageSize=200')).raw;
    for (const text of [stored, listed]) {
      expect(text).toContain(stores.id);
      for (const secret of [INTERFACE_KEY, NEW_INTERFACE_KEY, sealed, resealed]) expect(text).not.toContain(secret);
    }
  });

  it('records an ID type switched off and on, and nothing when it is already so', async () => {
    const at = t().clock.now();
    expect((await t().request('PATCH', '/api/v1/id-types/IMEI', { enabled: false })).statusCode).toBe(200);
    expect((await t().request('PATCH', '/api/v1/id-types/IMEI', { enabled: false })).statusCode).toBe(200);
    t().clock.advance(500);
    const on = await t().request('PATCH', '/api/v1/id-types/IMEI', { enabled: true });
    expect(on.statusCode).toBe(200);

    const entries = await entriesOf(t(), 'id_type', 'IMEI');
    expect(entries).toHaveLength(2);
    expect(entries[1]).toMatchObject({
      at: new Date(at).toISOString(),
      action: 'disable',
      before: { ...on.json(), enabled: true },
      after: { ...on.json(), enabled: false },
    });
    expect(entries[0]).toMatchObject({ action: 'enable', before: { ...on.json(), enabled: false }, after: on.json() });
  });
});
