import { beforeAll, expect, it, vi } from 'vitest';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { createWebhook } from './support.js';

describeEachDialect('Webhooks: list', (dialect) => {
  const t = useTestApp(dialect);
  const names = ['Coupon sender', 'CRM sync', 'coupon reminder', 'SMS 100%_off', 'Ünïcode Café', 'Loyalty points'];
  const ids: string[] = [];

  beforeAll(async () => {
    for (const name of names) ids.push((await createWebhook(t(), { name })).id);
    // Disable two so the filter has something to tell apart.
    for (const id of [ids[1], ids[3]]) expect((await t().request('POST', `/api/v1/webhooks/${id}/disable`)).statusCode).toBe(200);
  });

  const list = async (query = '') => {
    const res = await t().request('GET', `/api/v1/webhooks${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { items: { id: string; name: string; enabled: boolean; parameters: unknown[]; receipt: { statuses: unknown[] } }[]; total: number; page: number; pageSize: number };
  };

  it('lists newest first with parameters and statuses, default page 1 of 20', async () => {
    const page = await list();
    expect(page.total).toBe(6);
    expect(page.page).toBe(1);
    expect(page.pageSize).toBe(20);
    expect(page.items.map((i) => i.name)).toEqual([...names].reverse());
    for (const item of page.items) {
      expect(item.parameters).toHaveLength(2);
      expect(item.receipt.statuses).toEqual([{ code: '200', value: 'Success' }, { code: 'FAIL', value: 'Failed' }]);
    }
  });

  it('paginates with a stable total', async () => {
    const first = await list('?page=1&pageSize=4');
    const second = await list('?page=2&pageSize=4');
    const third = await list('?page=3&pageSize=4');
    expect([first.total, second.total, third.total]).toEqual([6, 6, 6]);
    expect(first.items.map((i) => i.name)).toEqual(['Loyalty points', 'Ünïcode Café', 'SMS 100%_off', 'coupon reminder']);
    expect(second.items.map((i) => i.name)).toEqual(['CRM sync', 'Coupon sender']);
    expect(third.items).toEqual([]);
    expect(second).toMatchObject({ page: 2, pageSize: 4 });
  });

  it('searches names case-insensitively, treating % and _ literally', async () => {
    expect((await list('?search=COUPON')).items.map((i) => i.name)).toEqual(['coupon reminder', 'Coupon sender']);
    expect((await list('?search=crm')).items.map((i) => i.name)).toEqual(['CRM sync']);
    expect((await list(`?search=${encodeURIComponent('100%_')}`)).items.map((i) => i.name)).toEqual(['SMS 100%_off']);
    expect((await list(`?search=${encodeURIComponent('%')}`)).total).toBe(1);
    expect((await list('?search=_')).total).toBe(1);
    expect((await list(`?search=${encodeURIComponent('café')}`)).items.map((i) => i.name)).toEqual(['Ünïcode Café']);
    expect((await list('?search=nothing-like-this')).total).toBe(0);
  });

  it('filters by enabled and combines with search', async () => {
    const disabled = await list('?enabled=false');
    expect(disabled.items.map((i) => i.name)).toEqual(['SMS 100%_off', 'CRM sync']);
    expect(disabled.items.every((i) => !i.enabled)).toBe(true);
    expect((await list('?enabled=true')).total).toBe(4);
    expect((await list('?enabled=true&search=c')).items.map((i) => i.name)).toEqual(['Ünïcode Café', 'coupon reminder', 'Coupon sender']);
  });

  it('loads a page with the same number of queries whatever its size (no query per webhook)', async () => {
    const db = t().ctx.store.db;
    const spy = vi.spyOn(db, 'selectFrom');
    try {
      await list('?pageSize=1');
      const forOne = spy.mock.calls.length;
      spy.mockClear();
      await list('?pageSize=6');
      expect(spy.mock.calls.length).toBe(forOne);
      expect(spy.mock.calls.map((c) => String(c[0]))).toEqual(expect.arrayContaining(['webhook_parameters', 'receipt_statuses']));
      expect(spy.mock.calls.filter((c) => c[0] === 'webhook_parameters')).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('refuses bad query values', async () => {
    for (const query of ['?enabled=maybe', '?page=0', '?pageSize=201', '?page=x']) {
      const res = await t().request('GET', `/api/v1/webhooks${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION');
    }
  });
});
