import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { migrateUpTo } from '../../src/store/migrate.js';
import { rosterEntries } from '../../src/delivery/roster.js';
import { describeEachDialect } from '../support/dialects.js';
import { atMigration, insertBatchRows, insertWebhookRow } from './support.js';

const T0 = 1_764_550_800_000;

describeEachDialect('migration 0018 (a roster per batch; delivery_messages a view of them)', (dialect) => {
  it('carries every message over into its batch\'s roster in action id order, reads them back through the view, and deletes them with their batch', async () => {
    await atMigration(dialect, '0017-messages-by-batch', T0, async (store) => {
      const run = (query: ReturnType<typeof sql>) => query.execute(store.db);
      await insertWebhookRow(store, T0);
      await insertBatchRows(store, T0, [{ id: 'bat_1', users: 3 }, { id: 'bat_2', users: 1 }]);
      await run(sql`insert into delivery_messages (action_id, batch_id, customer_id, target_type, target_id)
        values ('act_3', 'bat_1', 'c3', 'OPEN_ID', 'o3'), ('act_1', 'bat_2', 'c1', 'MOBILE', 'm1'), ('act_2', 'bat_1', 'Zoë "q"', 'OPEN_ID', 'o2'), ('act_4', 'bat_1', 'c4', 'EMAIL', 'a@b')`);

      expect(await migrateUpTo(store, '0018-message-rosters')).toEqual(['0018-message-rosters']);

      const rosters = await store.db.selectFrom('delivery_rosters').selectAll().orderBy('batch_id').execute();
      expect(rosters.map((r) => ({ batch: r.batch_id, roster: rosterEntries(r.roster) }))).toEqual([
        { batch: 'bat_1', roster: [['act_2', 'Zoë "q"', 'OPEN_ID', 'o2'], ['act_3', 'c3', 'OPEN_ID', 'o3'], ['act_4', 'c4', 'EMAIL', 'a@b']] },
        { batch: 'bat_2', roster: [['act_1', 'c1', 'MOBILE', 'm1']] },
      ]);
      // The view gives the rows the table held.
      expect(await store.db.selectFrom('delivery_messages').selectAll().orderBy('batch_id').orderBy('action_id').execute()).toEqual([
        { batch_id: 'bat_1', action_id: 'act_2', customer_id: 'Zoë "q"', target_type: 'OPEN_ID', target_id: 'o2' },
        { batch_id: 'bat_1', action_id: 'act_3', customer_id: 'c3', target_type: 'OPEN_ID', target_id: 'o3' },
        { batch_id: 'bat_1', action_id: 'act_4', customer_id: 'c4', target_type: 'EMAIL', target_id: 'a@b' },
        { batch_id: 'bat_2', action_id: 'act_1', customer_id: 'c1', target_type: 'MOBILE', target_id: 'm1' },
      ]);
      // One roster per batch, of an existing batch.
      await expect(run(sql`insert into delivery_rosters (batch_id, roster) values ('bat_1', '[]')`)).rejects.toThrow();
      await expect(run(sql`insert into delivery_rosters (batch_id, roster) values ('bat_none', '[]')`)).rejects.toThrow();
      // Deleting a batch takes its roster, so its messages, with it.
      await store.db.deleteFrom('delivery_batches').where('id', '=', 'bat_1').execute();
      expect(await store.db.selectFrom('delivery_messages').select('action_id').execute()).toEqual([{ action_id: 'act_1' }]);
    });
  });
});
