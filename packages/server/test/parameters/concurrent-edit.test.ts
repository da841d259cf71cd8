import { expect, it, vi } from 'vitest';
import { describeEachDialect } from '../support/dialects.js';
import { ADMIN_TOKEN, useTestApp } from '../support/test-app.js';
import { constantBody, create, PARAMETERS, snapshot } from './support.js';

/** When set, the next read of this parameter is followed by another writer's update (as if it raced us). */
const race = vi.hoisted(() => ({ id: undefined as string | undefined }));

vi.mock('../../src/parameters/store.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/parameters/store.js')>();
  return {
    ...original,
    findParameter: async (...args: Parameters<typeof original.findParameter>) => {
      const found = await original.findParameter(...args);
      if (found && race.id === args[2]) {
        race.id = undefined;
        // Same connection as the request's transaction, so this works on SQLite's single connection too.
        await args[0].updateTable('parameters').set({ version: found.version + 1, name: 'Other writer' }).where('id', '=', found.id).execute();
      }
      return found;
    },
  };
});

describeEachDialect('Concurrent parameter edits', (dialect) => {
  const t = useTestApp(dialect);

  it('answers 409 CONCURRENT_MODIFICATION when the version moved after it was read, writing nothing of its own', async () => {
    const created = await create(t(), constantBody({ name: 'Raced' }));
    race.id = created.id;
    const res = await t().app.inject({
      method: 'PUT',
      url: `${PARAMETERS}/${created.id}`,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'if-match': '"1"' },
      payload: constantBody({ name: 'Mine' }),
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('CONCURRENT_MODIFICATION');
    // The whole transaction rolled back, the simulated writer's change included.
    const row = await t().ctx.store.db.selectFrom('parameters').select(['name', 'version']).where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ name: 'Raced', version: 1 });
    const before = await snapshot(t());
    const retry = await t().request('PUT', `${PARAMETERS}/${created.id}`, constantBody({ name: 'Mine' }));
    expect(retry.statusCode).toBe(200);
    expect(retry.json().version).toBe(2);
    expect(await snapshot(t())).not.toEqual(before);
  });
});
