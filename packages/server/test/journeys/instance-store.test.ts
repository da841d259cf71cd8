import { expect, it } from 'vitest';
import { bootstrap, DEFAULT_WORKSPACE_ID } from '../../src/access/bootstrap.js';
import { countExits, insertInstances, updateInstances, type InstanceChange } from '../../src/journeys/instance-store.js';
import { pathLine, pathTails, readPath } from '../../src/journeys/path.js';
import type { JourneyStepRow } from '../../src/store/schema.js';
import { newInstanceRow } from '../../src/journeys/new-instance.js';
import { manualClock } from '../../src/shared/clock.js';
import { describeEachDialect, useStore } from '../support/dialects.js';

const T0 = 1_764_550_800_000;

describeEachDialect('journey instance writes', (dialect) => {
  const store = useStore(dialect);

  async function journey(id: string): Promise<void> {
    await bootstrap(store(), manualClock(T0), undefined);
    await store().db.insertInto('journeys').values({
      id, workspace_id: DEFAULT_WORKSPACE_ID, name: id, status: 'published', latest_version: 1, published_version: 1, entry_type: 'event', audience_id: null,
      entry_at: null, reentry: 'never', audience_cursor: null, audience_done: 0, entry_lease_owner: null, entry_lease_expires_at: null, created_by: 'mem_admin',
      version: 1, created_at: T0, updated_at: T0, published_at: T0, stopped_at: null,
    }).execute();
  }

  const row = (journeyId: string, n: number, once = true) =>
    newInstanceRow({ customerId: `c${n}`, ids: JSON.stringify({ OPEN_ID: `o${n}` }), attributes: '{}' }, { workspaceId: DEFAULT_WORKSPACE_ID, journeyId, version: 1, entryNodeId: 'judge', now: T0, id: `${journeyId}-i${n}`, visitId: `${journeyId}-v${n}`, once });

  it('returns exactly the instances inserted when some are refused as repeats', async () => {
    await journey('jrn_ins');
    expect(await insertInstances(store().db, dialect, [row('jrn_ins', 1), row('jrn_ins', 2)])).toEqual(new Set(['jrn_ins-i1', 'jrn_ins-i2']));
    // c1 entered once already (entry key); c3 is new.
    const again = { ...row('jrn_ins', 1), id: 'jrn_ins-i1b', visit_id: 'jrn_ins-v1b' };
    expect(await insertInstances(store().db, dialect, [again, row('jrn_ins', 3)])).toEqual(new Set(['jrn_ins-i3']));
    const ids = await store().db.selectFrom('journey_instances').select('id').where('journey_id', '=', 'jrn_ins').orderBy('id').execute();
    expect(ids.map((r) => r.id)).toEqual(['jrn_ins-i1', 'jrn_ins-i2', 'jrn_ins-i3']);
  });

  it('writes only the instances whose guard holds, and says which', async () => {
    await journey('jrn_upd');
    await insertInstances(store().db, dialect, [1, 2, 3].map((n) => ({ ...row('jrn_upd', n), phase: 'judge' })));
    // i2 was judged meanwhile (by another runner): no longer waiting at the judgment.
    await store().db.updateTable('journey_instances').set({ phase: 'leave' }).where('id', '=', 'jrn_upd-i2').execute();
    const change = (n: number): InstanceChange => ({
      id: `jrn_upd-i${n}`, status: 'exited', node_id: 'done', visit_id: `jrn_upd-w${n}`, node_entered_at: T0 + 5, phase: 'done', exit: null, due_at: null,
      group_name: '', last_batch_id: null, last_action_id: null, steps: 1, exited_at: T0 + 5,
    });
    const step = (n: number, exit: string): JourneyStepRow => ({
      instance_id: `jrn_upd-i${n}`, seq: 1, journey_id: 'jrn_upd', node_id: 'judge', visit_id: `jrn_upd-v${n}`, entered_at: T0, left_at: T0 + 5, exit,
    });
    const judged = [1, 2, 3].map((n) => step(n, 'receipt:200'));
    const written = await store().db.transaction().execute((trx) => updateInstances(trx, store(), [1, 2, 3].map(change), { judging: true }, judged));
    expect(written).toEqual(new Set(['jrn_upd-i1', 'jrn_upd-i3']));
    const rows = await store().db.selectFrom('journey_instances').select(['id', 'status', 'phase', 'path']).where('journey_id', '=', 'jrn_upd').orderBy('id').execute();
    // Only the written instances' paths grew.
    expect(rows).toEqual([
      { id: 'jrn_upd-i1', status: 'exited', phase: 'done', path: pathLine(judged[0]!) },
      { id: 'jrn_upd-i2', status: 'active', phase: 'leave', path: '' },
      { id: 'jrn_upd-i3', status: 'exited', phase: 'done', path: pathLine(judged[2]!) },
    ]);
    // Every guard holding: all written, paths appended to.
    await store().db.updateTable('journey_instances').set({ lease_owner: 'runner-a' }).where('journey_id', '=', 'jrn_upd').execute();
    const later = [step(1, 'other'), step(2, 'other')];
    const leased = await updateInstances(store().db, store(), [1, 2, 3].map((n) => ({ ...change(n), visit_id: `jrn_upd-x${n}` })), { leaseOwner: 'runner-a' }, later);
    expect(leased).toEqual(new Set(['jrn_upd-i1', 'jrn_upd-i2', 'jrn_upd-i3']));
    const paths = await store().db.selectFrom('journey_instances').select(['id', 'journey_id', 'path']).where('journey_id', '=', 'jrn_upd').orderBy('id').execute();
    expect(paths.map((p) => readPath(p).map((s) => [s.seq, s.exit]))).toEqual([[[1, 'receipt:200'], [2, 'other']], [[1, 'other']], [[1, 'receipt:200']]]);
  });

  it('rolls its writes back with the transaction it runs in', async () => {
    await journey('jrn_undo');
    await insertInstances(store().db, dialect, [1, 2].map((n) => ({ ...row('jrn_undo', n), phase: 'judge' })));
    const change = (n: number): InstanceChange => ({
      id: `jrn_undo-i${n}`, status: 'exited', node_id: 'done', visit_id: `jrn_undo-w${n}`, node_entered_at: T0 + 5, phase: 'done', exit: null, due_at: null,
      group_name: '', last_batch_id: null, last_action_id: null, steps: 1, exited_at: T0 + 5,
    });
    class Undo extends Error {}
    let written = new Set<string>();
    await expect(
      store().db.transaction().execute(async (trx) => {
        written = await updateInstances(trx, store(), [1, 2].map(change), { judging: true }, []);
        throw new Undo();
      }),
    ).rejects.toBeInstanceOf(Undo);
    expect(written.size).toBe(2);
    const rows = await store().db.selectFrom('journey_instances').select(['status', 'phase']).where('journey_id', '=', 'jrn_undo').execute();
    expect(rows).toEqual([{ status: 'active', phase: 'judge' }, { status: 'active', phase: 'judge' }]);
  });

  it('adds finished visits to their nodes\' exit counts', async () => {
    await journey('jrn_exit');
    const visit = (n: number, nodeId: string, exit: string): JourneyStepRow => ({ instance_id: `i${n}`, seq: 1, journey_id: 'jrn_exit', node_id: nodeId, visit_id: `v${n}`, entered_at: T0, left_at: T0, exit });
    await countExits(store().db, [visit(1, 'judge', 'receipt:200'), visit(2, 'judge', 'receipt:200'), visit(3, 'judge', 'other'), visit(4, 'send', 'sent')]);
    // A run broken by another exit, then the first again: each still counted under its own key.
    await countExits(store().db, [visit(5, 'judge', 'receipt:200'), visit(6, 'send', 'sent'), visit(7, 'judge', 'receipt:200'), visit(8, 'send', 'sent')]);
    const counts = await store().db.selectFrom('journey_node_exits').select(['node_id', 'exit', 'users']).where('journey_id', '=', 'jrn_exit').orderBy('node_id').orderBy('exit').execute();
    expect(counts.map((c) => [c.node_id, c.exit, Number(c.users)])).toEqual([['judge', 'other', 1], ['judge', 'receipt:200', 4], ['send', 'sent', 3]]);
  });
});

it('pathTails writes the lines pathLine writes, one tail per instance in step order, quotes included', () => {
  const step = (instance: string, node: string, exit: string, at: number): JourneyStepRow => ({ instance_id: instance, seq: 1, journey_id: 'jny_p', node_id: node, visit_id: `jnv_${instance}${at}`, entered_at: at, left_at: at + 5, exit });
  const steps = [step('a', 'send', 'default', 1), step('b', 'spl"it\\', 'Group "A"', 2), step('a', 'judge', 'receipt:200', 3)];
  const tails = pathTails(steps);
  expect(tails.get('a')).toBe(pathLine(steps[0]!) + pathLine(steps[2]!));
  expect(tails.get('b')).toBe(pathLine(steps[1]!));
  expect(readPath({ id: 'b', journey_id: 'jny_p', path: tails.get('b')! }).map((s) => [s.node_id, s.exit])).toEqual([['spl"it\\', 'Group "A"']]);
});
