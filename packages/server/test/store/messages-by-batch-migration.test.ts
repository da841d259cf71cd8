import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { migrateUpTo } from '../../src/store/migrate.js';
import { describeEachDialect } from '../support/dialects.js';
import { atMigration, insertBatchRows, insertWebhookRow } from './support.js';

const T0 = 1_764_550_800_000;

describeEachDialect('migration 0017 (messages keyed by batch, without webhook_id)', (dialect) => {
  it('carries every message over, keys them (batch_id, action_id) and still deletes them with their batch', async () => {
    await atMigration(dialect, '0016-journey-paths', T0, async (store) => {
      const run = (query: ReturnType<typeof sql>) => query.execute(store.db);
      await insertWebhookRow(store, T0);
      await insertBatchRows(store, T0, [{ id: 'bat_1', users: 2 }, { id: 'bat_2', users: 1 }]);
      await run(sql`insert into delivery_messages (action_id, batch_id, webhook_id, customer_id, target_type, target_id)
        values ('act_3', 'bat_1', 'wh_1', 'c3', 'OPEN_ID', 'o3'), ('act_1', 'bat_2', 'wh_1', 'c1', 'MOBILE', 'm1'), ('act_2', 'bat_1', 'wh_1', 'c2', 'OPEN_ID', 'o2')`);

      expect(await migrateUpTo(store, '0017-messages-by-batch')).toEqual(['0017-messages-by-batch']);

      // In key order: by batch, then action id.
      expect(await store.db.selectFrom('delivery_messages').selectAll().orderBy('batch_id').orderBy('action_id').execute()).toEqual([
        { batch_id: 'bat_1', action_id: 'act_2', customer_id: 'c2', target_type: 'OPEN_ID', target_id: 'o2' },
        { batch_id: 'bat_1', action_id: 'act_3', customer_id: 'c3', target_type: 'OPEN_ID', target_id: 'o3' },
        { batch_id: 'bat_2', action_id: 'act_1', customer_id: 'c1', target_type: 'MOBILE', target_id: 'm1' },
      ]);
      // The key refuses a repeat of (batch_id, action_id) and a message of no batch.
      await expect(run(sql`insert into delivery_messages (action_id, batch_id, customer_id, target_type, target_id) values ('act_2', 'bat_1', 'c9', 'OPEN_ID', 'o9')`)).rejects.toThrow();
      await expect(run(sql`insert into delivery_messages (action_id, batch_id, customer_id, target_type, target_id) values ('act_9', 'bat_none', 'c9', 'OPEN_ID', 'o9')`)).rejects.toThrow();
      // The action id alone is no longer a key: the key is the pair.
      await run(sql`insert into delivery_messages (action_id, batch_id, customer_id, target_type, target_id) values ('act_1', 'bat_1', 'c1', 'OPEN_ID', 'o1')`);
      // Deleting a batch still takes its messages with it.
      await store.db.deleteFrom('delivery_batches').where('id', '=', 'bat_1').execute();
      expect(await store.db.selectFrom('delivery_messages').select('action_id').execute()).toEqual([{ action_id: 'act_1' }]);
    });
  });
});
