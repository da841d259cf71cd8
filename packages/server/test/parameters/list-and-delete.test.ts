import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { constantBody, create, insertWebhookUsing, interfaceBody, PARAMETERS, snapshot } from './support.js';

describeEachDialect('Listing parameters', (dialect) => {
  const t = useTestApp(dialect);

  it('lists newest first, pages, filters by kind and by name ignoring case', async () => {
    const names = ['Winter Coupon', 'Summer coupon', 'Stores', 'COUPON_100%', 'Cities'];
    const ids: string[] = [];
    for (const name of names) {
      const body = name === 'Stores' ? interfaceBody({ name }) : constantBody({ name });
      ids.push((await create(t(), body)).id);
      t().clock.advance(1000);
    }
    const all = await t().request('GET', PARAMETERS);
    expect(all.statusCode).toBe(200);
    expect(all.json()).toMatchObject({ total: 5, page: 1, pageSize: 20 });
    expect(all.json().items.map((p: { name: string }) => p.name)).toEqual([...names].reverse());
    expect(all.json().items[2]).toMatchObject({ kind: 'interface', keySet: true });
    expect(all.json().items[2].usedBy).toBeUndefined();

    const page2 = await t().request('GET', `${PARAMETERS}?page=2&pageSize=2`);
    expect(page2.json()).toMatchObject({ total: 5, page: 2, pageSize: 2 });
    expect(page2.json().items.map((p: { name: string }) => p.name)).toEqual(['Stores', 'Summer coupon']);
    const beyond = await t().request('GET', `${PARAMETERS}?page=9&pageSize=2`);
    expect(beyond.json()).toMatchObject({ items: [], total: 5 });

    const coupons = await t().request('GET', `${PARAMETERS}?search=${encodeURIComponent('cOuPoN')}`);
    expect(coupons.json().items.map((p: { name: string }) => p.name)).toEqual(['COUPON_100%', 'Summer coupon', 'Winter Coupon']);
    expect(coupons.json().total).toBe(3);
    // LIKE wildcards in the search are literal text.
    const percent = await t().request('GET', `${PARAMETERS}?search=${encodeURIComponent('100%')}`);
    expect(percent.json().items.map((p: { name: string }) => p.name)).toEqual(['COUPON_100%']);
    const underscore = await t().request('GET', `${PARAMETERS}?search=_`);
    expect(underscore.json().total).toBe(1);

    const interfaces = await t().request('GET', `${PARAMETERS}?kind=interface`);
    expect(interfaces.json()).toMatchObject({ total: 1, items: [{ name: 'Stores' }] });
    const both = await t().request('GET', `${PARAMETERS}?kind=constant&search=coupon&pageSize=1`);
    expect(both.json()).toMatchObject({ total: 3, pageSize: 1, items: [{ name: 'COUPON_100%' }] });
  });

  it('refuses bad list queries with field errors', async () => {
    const res = await t().request('GET', `${PARAMETERS}?kind=variable&page=0&pageSize=201&sort=name`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.map((d: { path: string }) => d.path).sort()).toEqual(['query.kind', 'query.page', 'query.pageSize', 'query.sort']);
  });
});

describeEachDialect('Deleting parameters', (dialect) => {
  const t = useTestApp(dialect);

  it('deletes an unused parameter: 204, then 404', async () => {
    const created = await create(t(), constantBody({ name: 'Unused' }));
    const res = await t().request('DELETE', `${PARAMETERS}/${created.id}`);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect((await t().request('GET', `${PARAMETERS}/${created.id}`)).statusCode).toBe(404);
    expect((await t().request('DELETE', `${PARAMETERS}/${created.id}`)).statusCode).toBe(404);
  });

  it('refuses while webhooks or other parameters use it, listing every user; usedBy shows the same', async () => {
    const city = await create(t(), constantBody({ name: 'City', values: [{ name: 'BJ', displayName: 'Beijing' }] }));
    const district = await create(t(), constantBody({ name: 'District', associatedParameterId: city.id, values: [{ name: 'HD', displayName: 'Haidian', parentValue: 'BJ' }] }));
    const stores = await create(t(), interfaceBody({ name: 'Stores', associatedParameters: [{ name: 'city', displayName: 'City', source: 'parameter', parameterId: city.id }] }));
    const hookA = await insertWebhookUsing(t(), 'Coupon SMS', [city.id]);
    const hookB = await insertWebhookUsing(t(), 'CRM push', [stores.id, city.id]);
    const before = await snapshot(t());

    const res = await t().request('DELETE', `${PARAMETERS}/${city.id}`);
    expect(res.statusCode).toBe(409);
    const error = res.json().error;
    expect(error.code).toBe('PARAMETER_IN_USE');
    const users = [
      { kind: 'parameter', id: district.id, name: 'District' },
      { kind: 'parameter', id: stores.id, name: 'Stores' },
      { kind: 'webhook', id: hookA, name: 'Coupon SMS' },
      { kind: 'webhook', id: hookB, name: 'CRM push' },
    ];
    expect(error.details).toEqual(users);
    expect(error.message).toBe('The parameter is used by parameter "District", parameter "Stores", webhook "Coupon SMS", webhook "CRM push"');
    expect(await snapshot(t())).toEqual(before);

    const read = await t().request('GET', `${PARAMETERS}/${city.id}`);
    expect(read.json().usedBy).toEqual(users);

    // Only a webhook: still blocked.
    const byWebhookOnly = await t().request('DELETE', `${PARAMETERS}/${stores.id}`);
    expect(byWebhookOnly.statusCode).toBe(409);
    expect(byWebhookOnly.json().error.details).toEqual([{ kind: 'webhook', id: hookB, name: 'CRM push' }]);

    // Once the users are gone, deletion succeeds.
    await t().ctx.store.db.deleteFrom('webhooks').where('id', 'in', [hookA, hookB]).execute();
    expect((await t().request('DELETE', `${PARAMETERS}/${district.id}`)).statusCode).toBe(204);
    expect((await t().request('DELETE', `${PARAMETERS}/${stores.id}`)).statusCode).toBe(204);
    expect((await t().request('DELETE', `${PARAMETERS}/${city.id}`)).statusCode).toBe(204);
    const left = await t().ctx.store.db.selectFrom('parameter_references').selectAll().execute();
    expect(left).toEqual([]);
  });

  it('a parameter that only uses others can be deleted, and its references go with it', async () => {
    const parent = await create(t(), constantBody({ name: 'Parent' }));
    const child = await create(t(), constantBody({ name: 'Child', associatedParameterId: parent.id, values: [{ name: 'X', displayName: 'x', parentValue: 'C42' }] }));
    expect((await t().request('DELETE', `${PARAMETERS}/${child.id}`)).statusCode).toBe(204);
    const refs = await t().ctx.store.db.selectFrom('parameter_references').selectAll().where('parameter_id', '=', child.id).execute();
    expect(refs).toEqual([]);
    expect((await t().request('GET', `${PARAMETERS}/${parent.id}`)).json().usedBy).toEqual([]);
  });
});
