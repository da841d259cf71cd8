import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { DEFAULT_WORKSPACE_ID } from '../../src/access/bootstrap.js';
import { journeyCohorts, memberInstances } from '../../src/journeys/cohort-store.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { describeEachDialect } from '../support/dialects.js';
import { atMigration, insertJourneyRow } from './support.js';

const T0 = 1_764_550_800_000;

describeEachDialect('migration 0021 (cohort members in a table of their own)', (dialect) => {
  it('moves every cohort\'s members beside it, and the cohort reads as before', async () => {
    await atMigration(dialect, '0020-journey-cohorts', T0, async (store) => {
      const run = (query: ReturnType<typeof sql>) => query.execute(store.db);
      await insertJourneyRow(store, T0);
      const members = JSON.stringify([['jin_1', 'c1', 'act_1', 'jnv_1', 1, '', '["send","jnv_0",1,2,"default"]\n'], ['jin_2', 'c2', 'act_2', 'jnv_2', 1, '', '']]);
      const results = JSON.stringify([['receipt:200', T0 + 5, 'done', 'jnv_3'], null]);
      await run(sql`insert into journey_cohorts (id, workspace_id, journey_id, journey_version, node_id, batch_id, started_at, node_entered_at, due_at, members, results, pending, settled_at, revision)
        values ('jco_1', ${DEFAULT_WORKSPACE_ID}, 'jrn_1', 1, 'judge', 'bat_1', ${T0}, ${T0 + 2}, ${T0 + 60_000}, ${members}, ${results}, 1, ${T0 + 5}, 1)`);

      expect(await migrateToLatest(store)).toContain('0021-cohort-members');

      expect(await store.db.selectFrom('journey_cohort_members').selectAll().execute()).toEqual([{ cohort_id: 'jco_1', members }]);
      const [cohort] = await journeyCohorts(store.db, 'jrn_1', { limit: 10 });
      expect(cohort).toMatchObject({ id: 'jco_1', members, results, pending: 1, revision: 1 });
      expect(memberInstances(cohort!).map((m) => [m.customer_id, m.status, m.node_id])).toEqual([['c1', 'exited', 'done'], ['c2', 'active', 'judge']]);
      // Deleting a journey still takes its cohorts' members with it.
      await store.db.deleteFrom('journeys').where('id', '=', 'jrn_1').execute();
      expect(await store.db.selectFrom('journey_cohort_members').selectAll().execute()).toEqual([]);
    });
  });
});
