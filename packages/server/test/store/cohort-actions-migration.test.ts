import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { DEFAULT_WORKSPACE_ID } from '../../src/access/bootstrap.js';
import { cohortsOfNode, memberVisits } from '../../src/journeys/cohort-store.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { describeEachDialect } from '../support/dialects.js';
import { atMigration, insertJourneyRow } from './support.js';

const T0 = 1_764_550_800_000;

describeEachDialect('migration 0023 (cohorts keep their members\' action ids)', (dialect) => {
  it('writes each cohort\'s action ids in member order, as the judgment reads them', async () => {
    await atMigration(dialect, '0022-batch-receipts', T0, async (store) => {
      const run = (query: ReturnType<typeof sql>) => query.execute(store.db);
      await insertJourneyRow(store, T0);
      // Ten members, so that an order by text would differ from member order (act_10 before act_2).
      const members = JSON.stringify(Array.from({ length: 11 }, (_, i) => [`jin_${i}`, `c${i}`, `act_${i}`, `jnv_${i}`, 1, '', '']));
      const cohort = (id: string, batchId: string) => sql`insert into journey_cohorts (id, workspace_id, journey_id, journey_version, node_id, batch_id, started_at, node_entered_at, due_at, results, pending, settled_at, revision)
        values (${id}, ${DEFAULT_WORKSPACE_ID}, 'jrn_1', 1, 'judge', ${batchId}, ${T0}, ${T0 + 2}, ${T0 + 60_000}, ${JSON.stringify(new Array(11).fill(null))}, 11, null, 0)`;
      await run(cohort('jco_1', 'bat_1'));
      await run(sql`insert into journey_cohort_members (cohort_id, members) values ('jco_1', ${members})`);
      // A cohort without its members' row (none is written so, but the column must not stay null).
      await run(cohort('jco_2', 'bat_2'));

      expect(await migrateToLatest(store)).toContain('0023-cohort-actions');

      const rows = await store.db.selectFrom('journey_cohorts').select(['id', 'member_actions']).orderBy('id').execute();
      expect(rows).toEqual([
        { id: 'jco_1', member_actions: Array.from({ length: 11 }, (_, i) => `act_${i}`).join(',') },
        { id: 'jco_2', member_actions: '' },
      ]);
      const read = await cohortsOfNode(store.db, dialect, { journeyId: 'jrn_1', version: 1, nodeId: 'judge' }, 10);
      expect(read.map((c) => [c.id, c.member_actions.split(',').length, c.pending, c.started_at])).toEqual([['jco_1', 11, 11, T0], ['jco_2', 1, 11, T0]]);
      // What a judgment reads of the members only for a branch that ends at it: their visits, in member order.
      expect(await memberVisits(store.db, dialect, 'jco_1')).toEqual(Array.from({ length: 11 }, (_, i) => `jnv_${i}`));
      expect(await memberVisits(store.db, dialect, 'jco_9')).toEqual([]);
    });
  });
});
