import { expect, it } from 'vitest';
import { readAudienceUsersPage } from '../../src/audiences/store.js';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { createAudience, imported } from './support.js';

const USERS = 50_000;

describeEachDialect('Audiences: a large import, read back page by page', (dialect) => {
  const t = useTestApp(dialect);

  it(`imports ${USERS} users with a few bad lines, sizes the audience right, and pages through all of them in customer_id order`, async () => {
    const id = await createAudience(t(), 'Large');
    const lines = ['customer_id,OPEN_ID,MOBILE,name'];
    for (let i = 0; i < USERS; i++) {
      const n = String(i).padStart(6, '0');
      lines.push(i % 10_000 === 1 ? `,o${n},,broken` : `c${n},o${n},${i % 2 ? `138${n}` : ''},"User, ${i}"`);
    }
    const result = await imported(t(), id, `${lines.join('\r\n')}\r\n`);
    const broken = USERS / 10_000;
    expect(result).toMatchObject({ imported: USERS - broken, created: USERS - broken, rejectedCount: broken, userCount: USERS - broken });
    expect(result.rejected.map((r) => r.line)).toEqual([3, 10_003, 20_003, 30_003, 40_003]);
    expect((await t().request('GET', `/api/v1/audiences/${id}`)).json().userCount).toBe(USERS - broken);

    let after: string | null = null;
    let seen = 0;
    let previous = '';
    for (;;) {
      const page = await readAudienceUsersPage(t().ctx.store.db, id, after, 1000);
      if (page.length === 0) break;
      for (const user of page) {
        expect(user.customerId > previous).toBe(true);
        previous = user.customerId;
      }
      seen += page.length;
      after = page.at(-1)!.customerId;
    }
    expect(seen).toBe(USERS - broken);
    const [first] = await readAudienceUsersPage(t().ctx.store.db, id, null, 1);
    expect(first).toEqual({ customerId: 'c000000', ids: { OPEN_ID: 'o000000' }, attributes: { name: 'User, 0' } });
    const [next] = await readAudienceUsersPage(t().ctx.store.db, id, 'c000000', 1);
    expect(next).toEqual({ customerId: 'c000002', ids: { OPEN_ID: 'o000002' }, attributes: { name: 'User, 2' } });
  }, 60_000);
});
