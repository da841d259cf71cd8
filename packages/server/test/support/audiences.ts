import { DEFAULT_WORKSPACE_ID } from '../../src/access/bootstrap.js';
import type { TestApp } from './test-app.js';

/** One audience user as the tests write it. */
export interface SeedUser {
  customerId: string;
  ids?: Record<string, string>;
  attributes?: Record<string, string>;
}

let audienceSeq = 0;

/**
 * Writes an audience and its users straight into the store (the import is the audiences feature's,
 * tested there); `users` may be a count, giving users c00000, c00001, ... with an OPEN_ID and a name.
 */
export async function seedAudience(t: TestApp, users: number | SeedUser[]): Promise<string> {
  const list: SeedUser[] = typeof users === 'number'
    ? Array.from({ length: users }, (_, i) => ({ customerId: `c${String(i).padStart(5, '0')}`, ids: { OPEN_ID: `open-${i}` }, attributes: { name: `User ${i}` } }))
    : users;
  const now = t.clock.now();
  const id = `aud_test_${++audienceSeq}_${Math.random().toString(36).slice(2, 8)}`;
  await t.ctx.store.db
    .insertInto('audiences')
    .values({ id, workspace_id: DEFAULT_WORKSPACE_ID, name: id, created_by: 'mem_admin', user_count: list.length, created_at: now, updated_at: now })
    .execute();
  for (let i = 0; i < list.length; i += 500) {
    await t.ctx.store.db
      .insertInto('audience_users')
      .values(list.slice(i, i + 500).map((u) => ({ audience_id: id, customer_id: u.customerId, ids: JSON.stringify(u.ids ?? {}), attributes: JSON.stringify(u.attributes ?? {}), updated_at: now })))
      .execute();
  }
  return id;
}
