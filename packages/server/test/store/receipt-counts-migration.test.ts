import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { migrateUpTo } from '../../src/store/migrate.js';
import { describeEachDialect } from '../support/dialects.js';
import { atMigration, insertBatchRows, insertWebhookRow } from './support.js';

const T0 = 1_764_550_800_000;

describeEachDialect('migration 0019 (receipt counts per batch and status)', (dialect) => {
  it('counts the receipts already stored, per batch and status, users once each, and deletes the counts with their batch', async () => {
    await atMigration(dialect, '0018-message-rosters', T0, async (store) => {
      await insertWebhookRow(store, T0);
      await insertBatchRows(store, T0, [{ id: 'bat_1', users: 3 }, { id: 'bat_2', users: 1 }]);
      const receipt = (batch: string, action: string, msg: string, status: string, position: number) =>
        sql`(${batch}, ${action}, ${msg}, ${status}, '1', ${T0}, ${position}, null)`;
      await sql`insert into receipts (batch_id, action_id, msg_id, status, send_time, received_at, position, for_journey) values
        ${sql.join([
          receipt('bat_1', 'act_1', 'm1', '200', 0),
          receipt('bat_1', 'act_1', 'm2', '200', 1),
          receipt('bat_1', 'act_2', 'm3', '200', 2),
          receipt('bat_1', 'act_3', 'm4', 'FAIL', 3),
          receipt('bat_2', 'act_4', 'm5', 'FAIL', 4),
          // A receipt whose batch no longer exists is not counted.
          receipt('bat_gone', 'act_5', 'm6', '200', 5),
        ])}`.execute(store.db);

      expect(await migrateUpTo(store, '0019-receipt-counts')).toEqual(['0019-receipt-counts']);

      const counts = await store.db.selectFrom('receipt_counts').selectAll().orderBy('batch_id').orderBy('status').execute();
      expect(counts.map((c) => ({ ...c, receipts: Number(c.receipts), users: Number(c.users) }))).toEqual([
        { batch_id: 'bat_1', status: '200', receipts: 3, users: 2 },
        { batch_id: 'bat_1', status: 'FAIL', receipts: 1, users: 1 },
        { batch_id: 'bat_2', status: 'FAIL', receipts: 1, users: 1 },
      ]);
      // One row per batch and status, of an existing batch; it goes with its batch.
      await expect(sql`insert into receipt_counts (batch_id, status, receipts, users) values ('bat_1', '200', 1, 1)`.execute(store.db)).rejects.toThrow();
      await expect(sql`insert into receipt_counts (batch_id, status, receipts, users) values ('bat_none', '200', 1, 1)`.execute(store.db)).rejects.toThrow();
      await store.db.deleteFrom('delivery_batches').where('id', '=', 'bat_1').execute();
      expect(await store.db.selectFrom('receipt_counts').select('batch_id').execute()).toEqual([{ batch_id: 'bat_2' }]);
    });
  });
});
