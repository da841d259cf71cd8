import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { constantBody, create, interfaceBody, PARAMETERS, snapshot } from './support.js';

describeEachDialect('Associated parameters (cascading)', (dialect) => {
  const t = useTestApp(dialect);

  const province = () =>
    create(t(), constantBody({ name: 'Province', values: [{ name: 'ZJ', displayName: 'Zhejiang' }, { name: 'JS', displayName: 'Jiangsu' }] }));

  async function references(id: string): Promise<string[]> {
    const rows = await t().ctx.store.db.selectFrom('parameter_references').select('referenced_id').where('parameter_id', '=', id).orderBy('referenced_id').execute();
    return rows.map((r) => r.referenced_id);
  }

  it('associates a constant with a constant; parent values must be values of the parent', async () => {
    const parent = await province();
    const before = await snapshot(t());
    const wrong = await t().request('POST', PARAMETERS, constantBody({
      name: 'City',
      associatedParameterId: parent.id,
      values: [
        { name: 'HZ', displayName: 'Hangzhou', parentValue: 'ZJ' },
        { name: 'NJ', displayName: 'Nanjing', parentValue: 'GD' },
        { name: 'SZ', displayName: 'Suzhou' },
      ],
    }));
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.details).toEqual([
      { path: 'values[1].parentValue', message: '"GD" is not a value of parameter "Province"' },
      { path: 'values[2].parentValue', message: 'is required when associatedParameterId is set' },
    ]);
    expect(await snapshot(t())).toEqual(before);

    const city = await create(t(), constantBody({
      name: 'City',
      associatedParameterId: parent.id,
      values: [
        { name: 'HZ', displayName: 'Hangzhou', parentValue: 'ZJ' },
        { name: 'NB', displayName: 'Ningbo', parentValue: 'ZJ' },
        { name: 'NJ', displayName: 'Nanjing', parentValue: 'JS' },
      ],
    }));
    expect(city.associatedParameterId).toBe(parent.id);
    expect(await references(city.id)).toEqual([parent.id]);

    const options = await t().request('GET', `${PARAMETERS}/${city.id}/options?parent=ZJ`);
    expect(options.statusCode).toBe(200);
    expect(options.json()).toEqual({ items: [
      { name: 'HZ', displayName: 'Hangzhou', parentValue: 'ZJ' },
      { name: 'NB', displayName: 'Ningbo', parentValue: 'ZJ' },
    ] });
    const all = await t().request('GET', `${PARAMETERS}/${city.id}/options`);
    expect(all.json().items).toHaveLength(3);
    const none = await t().request('GET', `${PARAMETERS}/${city.id}/options?parent=GD`);
    expect(none.json()).toEqual({ items: [] });
    const unknown = await t().request('GET', `${PARAMETERS}/${city.id}/options?province=ZJ`);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details).toEqual([{ path: 'query.province', message: 'is not an associated parameter of this parameter' }]);
  });

  it('refuses to remove a value that an associated constant uses as its parent value', async () => {
    const parent = await create(t(), constantBody({ name: 'Region', values: [{ name: 'N', displayName: 'North' }, { name: 'S', displayName: 'South' }, { name: 'W', displayName: 'West' }] }));
    await create(t(), constantBody({ name: 'Branch', associatedParameterId: parent.id, values: [{ name: 'B1', displayName: 'b1', parentValue: 'N' }, { name: 'B2', displayName: 'b2', parentValue: 'S' }] }));
    const before = await snapshot(t());
    const res = await t().request('PUT', `${PARAMETERS}/${parent.id}`, constantBody({ name: 'Region', values: [{ name: 'W', displayName: 'West' }] }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([
      { path: 'values', message: 'must keep value "N": parameter "Branch" uses it as a parent value' },
      { path: 'values', message: 'must keep value "S": parameter "Branch" uses it as a parent value' },
    ]);
    expect(await snapshot(t())).toEqual(before);
    // Values nobody hangs on can go.
    const ok = await t().request('PUT', `${PARAMETERS}/${parent.id}`, constantBody({ name: 'Region', values: [{ name: 'N', displayName: 'North' }, { name: 'S', displayName: 'South' }] }));
    expect(ok.statusCode).toBe(200);
  });

  it('associates a constant with an interface parameter: any parent value is accepted', async () => {
    const stores = await create(t(), interfaceBody({ name: 'Store list' }));
    const coupon = await create(t(), constantBody({ name: 'Store coupon', associatedParameterId: stores.id, values: [{ name: 'C1', displayName: 'c', parentValue: 'S1' }] }));
    expect(coupon.values).toEqual([{ name: 'C1', displayName: 'c', parentValue: 'S1' }]);
  });

  it('refuses an unknown associated parameter and a parameter associated with itself', async () => {
    const before = await snapshot(t());
    const unknown = await t().request('POST', PARAMETERS, constantBody({ associatedParameterId: 'par_ghost', values: [{ name: 'A', displayName: 'a', parentValue: 'x' }] }));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details).toEqual([{ path: 'associatedParameterId', message: 'parameter "par_ghost" does not exist' }]);
    expect(await snapshot(t())).toEqual(before);

    const self = await create(t(), constantBody({ name: 'Selfish' }));
    const selfEdit = await t().request('PUT', `${PARAMETERS}/${self.id}`, constantBody({ name: 'Selfish', associatedParameterId: self.id, values: [{ name: 'A', displayName: 'a', parentValue: 'C42' }] }));
    expect(selfEdit.statusCode).toBe(400);
    expect(selfEdit.json().error.details).toEqual([{ path: 'associatedParameterId', message: 'must not be the parameter itself' }]);

    const iface = await create(t(), interfaceBody({ name: 'Self interface' }));
    const ifaceSelf = await t().request('PUT', `${PARAMETERS}/${iface.id}`, interfaceBody({
      name: 'Self interface',
      associatedParameters: [{ name: 'me', displayName: 'Me', source: 'parameter', parameterId: iface.id }],
    }));
    expect(ifaceSelf.statusCode).toBe(400);
    expect(ifaceSelf.json().error.details).toEqual([{ path: 'associatedParameters[0].parameterId', message: 'must not be the parameter itself' }]);
    expect(await references(iface.id)).toEqual([]);
  });

  it('refuses association cycles, direct and longer, and keeps the references as they were', async () => {
    const a = await create(t(), constantBody({ name: 'A' }));
    const b = await create(t(), constantBody({ name: 'B', associatedParameterId: a.id, values: [{ name: 'B1', displayName: 'b', parentValue: 'C42' }] }));
    const c = await create(t(), interfaceBody({ name: 'C', associatedParameters: [{ name: 'b', displayName: 'B', source: 'parameter', parameterId: b.id }] }));
    const before = await snapshot(t());

    const direct = await t().request('PUT', `${PARAMETERS}/${a.id}`, constantBody({ name: 'A', associatedParameterId: b.id, values: [{ name: 'C42', displayName: 'x', parentValue: 'B1' }] }));
    expect(direct.statusCode).toBe(400);
    expect(direct.json().error.details).toEqual([{ path: 'associatedParameterId', message: 'would create an association cycle: "A" → "B" → "A"' }]);

    const longer = await t().request('PUT', `${PARAMETERS}/${a.id}`, constantBody({ name: 'A', associatedParameterId: c.id, values: [{ name: 'C42', displayName: 'x', parentValue: 'anything' }] }));
    expect(longer.statusCode).toBe(400);
    expect(longer.json().error.details).toEqual([{ path: 'associatedParameterId', message: 'would create an association cycle: "A" → "C" → "B" → "A"' }]);
    expect(await snapshot(t())).toEqual(before);

    // Removing the association that closed the loop makes the same edit legal.
    const unlinked = await t().request('PUT', `${PARAMETERS}/${b.id}`, constantBody({ name: 'B', values: [{ name: 'B1', displayName: 'b' }] }));
    expect(unlinked.statusCode).toBe(200);
    expect(await references(b.id)).toEqual([]);
    const now = await t().request('PUT', `${PARAMETERS}/${a.id}`, constantBody({ name: 'A', associatedParameterId: b.id, values: [{ name: 'C42', displayName: 'x', parentValue: 'B1' }] }));
    expect(now.statusCode).toBe(200);
    expect(await references(a.id)).toEqual([b.id]);
  });

  it('keeps parameter_references in step with every save', async () => {
    const p1 = await create(t(), constantBody({ name: 'P1' }));
    const p2 = await create(t(), constantBody({ name: 'P2' }));
    const linked = await create(t(), interfaceBody({
      name: 'Linked',
      associatedParameters: [
        { name: 'one', displayName: '1', source: 'parameter', parameterId: p1.id },
        { name: 'two', displayName: '2', source: 'parameter', parameterId: p2.id },
        { name: 'again', displayName: '1 again', source: 'parameter', parameterId: p1.id },
      ],
    }));
    expect(await references(linked.id)).toEqual([p1.id, p2.id].sort());
    const edited = await t().request('PUT', `${PARAMETERS}/${linked.id}`, interfaceBody({
      name: 'Linked',
      associatedParameters: [{ name: 'two', displayName: '2', source: 'parameter', parameterId: p2.id }],
    }));
    expect(edited.statusCode).toBe(200);
    expect(await references(linked.id)).toEqual([p2.id]);
    const cleared = await t().request('PUT', `${PARAMETERS}/${linked.id}`, interfaceBody({ name: 'Linked', associatedParameters: [] }));
    expect(cleared.statusCode).toBe(200);
    expect(await references(linked.id)).toEqual([]);
  });
});
