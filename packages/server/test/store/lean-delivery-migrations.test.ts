import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/database.js';
import { migrateToLatest, migrateUpTo } from '../../src/store/migrate.js';
import { DEFAULT_WORKSPACE_ID } from '../../src/access/bootstrap.js';
import { latestReceipts } from '../../src/receipts/store.js';
import { createTestStore, describeEachDialect } from '../support/dialects.js';
import { atMigration } from './support.js';

const T0 = 1_764_550_800_000;

/** Rows in the shapes of migrations 0002..0004: a batch holding its body, messages with status, receipts with ids. */
async function seedOldShapes(store: Store): Promise<void> {
  const run = (query: ReturnType<typeof sql>) => query.execute(store.db);
  await run(sql`insert into webhooks (id, workspace_id, name, url, auth_method, key_sealed, id_types, pass_environment, receipt_enabled, receipt_retention_hours, enabled, version, created_at, updated_at)
    values ('wh_1', ${DEFAULT_WORKSPACE_ID}, 'W', 'http://127.0.0.1:9/hook', 'none', null, '["OPEN_ID"]', 0, 1, 72, 1, 1, ${T0}, ${T0})`);
  await run(sql`insert into delivery_batches (id, workspace_id, webhook_id, run_kind, task_id, journey_id, node_id, user_count, body, status, attempts, max_attempts, next_attempt_at, created_at, updated_at, finished_at)
    values ('bat_1', ${DEFAULT_WORKSPACE_ID}, 'wh_1', 'task', 'task_1', null, null, 2, '[{"a":1},{"b":2}]', 'succeeded', 1, 9, ${T0}, ${T0}, ${T0}, ${T0 + 5})`);
  await run(sql`insert into delivery_messages (action_id, batch_id, webhook_id, customer_id, target_type, target_id, status, sent_at, receipt_status, receipt_at)
    values ('act_1', 'bat_1', 'wh_1', 'c1', 'OPEN_ID', 'o1', 'succeeded', ${T0 + 5}, 'FAIL', ${T0 + 20}),
           ('act_2', 'bat_1', 'wh_1', 'c2', 'OPEN_ID', 'o2', 'succeeded', ${T0 + 5}, null, null)`);
  // Two receipts of act_1 in one report (ids in arrival order: 200 then FAIL), one earlier report's.
  await run(sql`insert into receipts (id, webhook_id, msg_id, action_id, batch_id, customer_id, status, send_time, received_at)
    values ('rc_01', 'wh_1', 'm-early', 'act_1', 'bat_1', 'c1', '500', '1', ${T0 + 10}),
           ('rc_02', 'wh_1', 'm-b', 'act_1', 'bat_1', 'c1', '200', '2', ${T0 + 20}),
           ('rc_03', 'wh_1', 'm-a', 'act_1', 'bat_1', 'c1', 'FAIL', '3', ${T0 + 20})`);
}

describeEachDialect('migrations 0005 and 0006 (receipt keys, lean delivery rows)', (dialect) => {
  it('moves bodies, receipts and their order without losing a row', async () => {
    await atMigration(dialect, '0004-audit', T0, async (store) => {
      await seedOldShapes(store);
      expect(await migrateUpTo(store, '0013-journey-node-counts')).toEqual(expect.arrayContaining(['0005-receipt-keys', '0006-lean-delivery-rows']));

      expect(await store.db.selectFrom('delivery_bodies').selectAll().execute()).toEqual([{ batch_id: 'bat_1', body: '[{"a":1},{"b":2}]' }]);
      expect(await store.db.selectFrom('delivery_messages').select(['action_id', 'customer_id']).orderBy('action_id').execute()).toEqual([
        { action_id: 'act_1', customer_id: 'c1' },
        { action_id: 'act_2', customer_id: 'c2' },
      ]);
      const { rows: receipts } = await sql<{ msg_id: string; status: string }>`select msg_id, status from receipts order by received_at, position`.execute(store.db);
      expect(receipts.map((r) => [r.msg_id, r.status])).toEqual([['m-early', '500'], ['m-b', '200'], ['m-a', 'FAIL']]);
      // The new key refuses a repeat of (action_id, msg_id).
      await expect(sql`insert into receipts (action_id, msg_id, webhook_id, batch_id, customer_id, status, send_time, received_at, position)
        values ('act_1', 'm-a', 'wh_1', 'bat_1', 'c1', '200', '4', ${T0 + 30}, 0)`.execute(store.db)).rejects.toThrow();
      // Through the later migrations, the latest receipt is still the last of the latest report, as the old receipt_status column said.
      await migrateToLatest(store);
      expect(await latestReceipts(store.db, dialect, [{ batchId: 'bat_1', actionId: 'act_1' }, { batchId: 'bat_1', actionId: 'act_2' }])).toEqual(new Map([['act_1', { status: 'FAIL', receivedAt: T0 + 20 }]]));
      // Deleting a batch still takes its body with it.
      await store.db.deleteFrom('delivery_batches').where('id', '=', 'bat_1').execute();
      expect(await store.db.selectFrom('delivery_bodies').selectAll().execute()).toEqual([]);
    });
  });
});

describe('migrateUpTo', () => {
  it('stops at the named migration', async () => {
    const { store, dispose } = await createTestStore('sqlite', { migrate: false });
    try {
      expect(await migrateUpTo(store, '0002-delivery')).toEqual(['0001-configuration', '0002-delivery']);
    } finally {
      await dispose();
    }
  });
});
