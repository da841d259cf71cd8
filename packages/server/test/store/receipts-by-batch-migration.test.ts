import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { purgeReceipts } from '../../src/retention/store.js';
import { latestReceipts, lastJourneyReceivedAt } from '../../src/receipts/store.js';
import { migrateToLatest, migrateUpTo } from '../../src/store/migrate.js';
import { describeEachDialect } from '../support/dialects.js';
import { atMigration, insertBatchRows, insertWebhookRow } from './support.js';

const T0 = 1_764_550_800_000;
const DAY = 86_400_000;
// Ids as the engine makes them: time-ordered, so the retention sweep can bound its walk by them.
const TASK_BATCH = 'bat_01kbaaaaaa0000000000000000';
const JOURNEY_BATCH = 'bat_01kbaaaaab0000000000000000';

describeEachDialect('migration 0014 (receipts keyed by batch)', (dialect) => {
  it('moves every receipt with its order, marks journey ones, and keys them by (batch, action, msg)', async () => {
    await atMigration(dialect, '0013-journey-node-counts', T0, async (store) => {
      const run = (query: ReturnType<typeof sql>) => query.execute(store.db);
      await insertWebhookRow(store, T0);
      await insertBatchRows(store, T0, [{ id: TASK_BATCH, users: 1 }, { id: JOURNEY_BATCH, users: 1, journey: true }]);
      await run(sql`insert into delivery_messages (action_id, batch_id, webhook_id, customer_id, target_type, target_id)
        values ('act_1', ${TASK_BATCH}, 'wh_1', 'c1', 'OPEN_ID', 'o1'), ('act_2', ${JOURNEY_BATCH}, 'wh_1', 'c2', 'OPEN_ID', 'o2')`);
      // Two receipts of act_1 in one report (200, then FAIL last), an earlier one of act_1, one of act_2 (a journey's).
      await run(sql`insert into receipts (action_id, msg_id, webhook_id, batch_id, customer_id, status, send_time, received_at, position)
        values ('act_1', 'm-early', 'wh_1', ${TASK_BATCH}, 'c1', '500', '1', ${T0 + 10}, 0),
               ('act_1', 'm-b', 'wh_1', ${TASK_BATCH}, 'c1', '200', '2', ${T0 + 20}, 0),
               ('act_1', 'm-a', 'wh_1', ${TASK_BATCH}, 'c1', 'FAIL', '3', ${T0 + 20}, 1),
               ('act_2', 'm-j', 'wh_1', ${JOURNEY_BATCH}, 'c2', '200', '4', ${T0 + 15}, 0)`);

      expect(await migrateUpTo(store, '0014-receipts-by-batch')).toContain('0014-receipts-by-batch');

      type Row = { batch_id: string; action_id: string; msg_id: string; status: string; send_time: string; received_at: number; position: number; for_journey: number | null };
      const { rows } = await sql<Row>`select * from receipts order by received_at, position`.execute(store.db);
      expect(rows.map((r) => [r.batch_id, r.action_id, r.msg_id, r.status, r.send_time, Number(r.received_at), r.position, r.for_journey])).toEqual([
        [TASK_BATCH, 'act_1', 'm-early', '500', '1', T0 + 10, 0, null],
        [JOURNEY_BATCH, 'act_2', 'm-j', '200', '4', T0 + 15, 0, 1],
        [TASK_BATCH, 'act_1', 'm-b', '200', '2', T0 + 20, 0, null],
        [TASK_BATCH, 'act_1', 'm-a', 'FAIL', '3', T0 + 20, 1, null],
      ]);
      // The new key refuses a repeat of (batch, action, msg).
      await expect(sql`insert into receipts (batch_id, action_id, msg_id, status, send_time, received_at, position)
        values (${TASK_BATCH}, 'act_1', 'm-a', '200', '5', ${T0 + 30}, 0)`.execute(store.db)).rejects.toThrow();

      // Then migration 0022 groups them by batch and arrival, in report order: the latest is still the last of the latest report.
      expect(await migrateToLatest(store)).toContain('0022-batch-receipts');
      expect(await latestReceipts(store.db, dialect, [{ batchId: TASK_BATCH, actionId: 'act_1' }, { batchId: JOURNEY_BATCH, actionId: 'act_2' }])).toEqual(
        new Map([['act_1', { status: 'FAIL', receivedAt: T0 + 20 }], ['act_2', { status: '200', receivedAt: T0 + 15 }]]),
      );
      // Journeys read only their own receipts by arrival.
      expect(await lastJourneyReceivedAt(store.db)).toBe(T0 + 15);
      // Retention walks the key: every row received before the cut goes, the batch's id bounding the walk.
      expect(await purgeReceipts(store.db, T0 + 17, 10)).toBe(2);
      expect(await purgeReceipts(store.db, T0 + 100 * DAY, 10)).toBe(1);
      expect(await store.db.selectFrom('batch_receipts').selectAll().execute()).toEqual([]);
    });
  });
});
