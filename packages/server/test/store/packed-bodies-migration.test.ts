import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { unpackBody } from '../../src/delivery/stored-body.js';
import { migrateUpTo } from '../../src/store/migrate.js';
import { describeEachDialect } from '../support/dialects.js';
import { atMigration, insertBatchRows, insertWebhookRow } from './support.js';

const T0 = 1_764_550_800_000;

/** More batches than one page of the migration, each with a body of its own (non-ASCII and escapes included). */
const BATCHES = Array.from({ length: 450 }, (_, i) => ({ id: `bat_${String(i).padStart(4, '0')}`, users: 1 }));
const bodyOf = (i: number) => JSON.stringify([{ user_profile: { customer_id: `c${i}`, target_type: 'OPEN_ID', target_id: `用户-${i}` }, params: { text: `Zoë "q" \\ ${'x'.repeat(i)}` } }]);

describeEachDialect('migration 0019 (bodies stored packed)', (dialect) => {
  it('packs every text body so that unpacking gives its exact bytes, keeps one body per batch, and deletes it with its batch', async () => {
    await atMigration(dialect, '0018-message-rosters', T0, async (store) => {
      const run = (query: ReturnType<typeof sql>) => query.execute(store.db);
      await insertWebhookRow(store, T0);
      await insertBatchRows(store, T0, BATCHES);
      for (const [i, b] of BATCHES.entries()) await run(sql`insert into delivery_bodies (batch_id, body) values (${b.id}, ${bodyOf(i)})`);

      expect(await migrateUpTo(store, '0019-packed-bodies')).toEqual(['0019-packed-bodies']);

      const rows = await store.db.selectFrom('delivery_bodies').selectAll().orderBy('batch_id').execute();
      expect(rows.map((r) => r.batch_id)).toEqual(BATCHES.map((b) => b.id));
      for (const [i, row] of rows.entries()) {
        expect(row.body).toBeInstanceOf(Uint8Array);
        expect(unpackBody(row.body).toString('utf8')).toBe(bodyOf(i));
      }
      // Packed: the longest body (about 500 bytes of JSON) takes a fraction of that.
      expect(rows[449]!.body.byteLength).toBeLessThan(Buffer.byteLength(bodyOf(449)) / 2);
      await expect(run(sql`insert into delivery_bodies (batch_id, body) values ('bat_0001', ${Buffer.from('x')})`)).rejects.toThrow();
      await expect(run(sql`insert into delivery_bodies (batch_id, body) values ('bat_none', ${Buffer.from('x')})`)).rejects.toThrow();
      await store.db.deleteFrom('delivery_batches').where('id', '=', 'bat_0000').execute();
      expect(await store.db.selectFrom('delivery_bodies').select('batch_id').where('batch_id', '=', 'bat_0000').execute()).toEqual([]);
    });
  });
});
