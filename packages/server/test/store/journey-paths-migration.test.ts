import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { DEFAULT_WORKSPACE_ID } from '../../src/access/bootstrap.js';
import { readPath } from '../../src/journeys/path.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { describeEachDialect } from '../support/dialects.js';
import { atMigration, insertJourneyRow } from './support.js';

const T0 = 1_764_550_800_000;

describeEachDialect('migration 0016 (journey paths on the instance)', (dialect) => {
  it('carries every step over, in order, onto its instance and counts them per node and exit', async () => {
    await atMigration(dialect, '0015-journey-instance-indexes', T0, async (store) => {
      const run = (query: ReturnType<typeof sql>) => query.execute(store.db);
      await insertJourneyRow(store, T0);
      await run(sql`insert into journey_instances (id, workspace_id, journey_id, journey_version, customer_id, ids, attributes, entry_key, status, node_id, visit_id, node_entered_at, phase, group_name, steps, started_at, exited_at)
        values ('jin_1', ${DEFAULT_WORKSPACE_ID}, 'jrn_1', 1, 'c1', '{}', '{}', 'c1', 'exited', 'done', 'v3', ${T0 + 9}, 'done', '', 2, ${T0}, ${T0 + 9}),
               ('jin_2', ${DEFAULT_WORKSPACE_ID}, 'jrn_1', 1, 'c2', '{}', '{}', 'c2', 'active', 'judge', 'v5', ${T0 + 1}, 'judge', '', 1, ${T0}, null),
               ('jin_3', ${DEFAULT_WORKSPACE_ID}, 'jrn_1', 1, 'c3', '{}', '{}', 'c3', 'active', 'send', 'v6', ${T0}, 'arrive', '', 0, ${T0}, null)`);
      // Inserted out of order: the path follows seq.
      await run(sql`insert into journey_steps (instance_id, seq, journey_id, node_id, visit_id, entered_at, left_at, exit)
        values ('jin_1', 2, 'jrn_1', 'judge', 'v2', ${T0 + 1}, ${T0 + 9}, 'receipt:200'),
               ('jin_1', 1, 'jrn_1', 'send', 'v1', ${T0}, ${T0 + 1}, 'sent'),
               ('jin_2', 1, 'jrn_1', 'send', 'v4', ${T0}, ${T0 + 1}, 'sent')`);

      expect(await migrateToLatest(store)).toContain('0016-journey-paths');

      const rows = await store.db.selectFrom('journey_instances').select(['id', 'journey_id', 'path']).orderBy('id').execute();
      expect(rows.map((r) => readPath(r).map((s) => [s.seq, s.node_id, s.visit_id, s.entered_at, s.left_at, s.exit]))).toEqual([
        [[1, 'send', 'v1', T0, T0 + 1, 'sent'], [2, 'judge', 'v2', T0 + 1, T0 + 9, 'receipt:200']],
        [[1, 'send', 'v4', T0, T0 + 1, 'sent']],
        [],
      ]);
      const exits = await store.db.selectFrom('journey_node_exits').select(['node_id', 'exit', 'users']).orderBy('node_id').execute();
      expect(exits.map((e) => [e.node_id, e.exit, Number(e.users)])).toEqual([['judge', 'receipt:200', 1], ['send', 'sent', 2]]);
    });
  });
});
