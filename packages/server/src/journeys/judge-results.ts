import { judge, receiptCodesOf } from './advance.js';
import { latestReceipts } from '../receipts/store.js';
import { findJudgeCandidates, markJudged } from './instance-store.js';
import type { RunnerWork } from './runner-work.js';

/** Most users judged per node and round. */
const JUDGE_LIMIT = 2000;

/**
 * Judges the users of every judgment node of running journeys whose result is known or whose wait
 * ended: one candidate query per node, then one receipt query per 500 candidates, never a query per
 * user. Judged users leave by their branch in the same round's advance.
 */
export async function judgeResults(work: RunnerWork): Promise<number> {
  const { db } = work.ctx.store;
  const versions = await db
    .selectFrom('journey_versions as v')
    .innerJoin('journeys as j', 'j.id', 'v.journey_id')
    .select(['v.journey_id', 'v.version'])
    .where('j.status', '=', 'published')
    .where('v.published_at', 'is not', null)
    .execute();
  let judged = 0;
  for (const { journey_id: journeyId, version } of versions) {
    const graph = await work.graphs.get(journeyId, version);
    if (!graph) continue;
    for (const node of graph.definition.nodes) {
      if (node.type !== 'judgment') continue;
      const codes = receiptCodesOf(node);
      const candidates = await findJudgeCandidates(db, { journeyId, version, nodeId: node.id, codes, awaitsReceipts: codes.length > 0 }, work.now, JUDGE_LIMIT);
      if (candidates.length === 0) continue;
      const actionIds = candidates.flatMap((c) => (c.lastActionId === null ? [] : [c.lastActionId]));
      const receipts = await latestReceipts(db, actionIds, codes);
      const byExit = new Map<string, string[]>();
      for (const c of candidates) {
        const exit = judge(node, { batchStatus: c.batchStatus, receiptStatus: (c.lastActionId && receipts.get(c.lastActionId)?.status) || null, dueAt: c.dueAt, now: work.now });
        if (exit === undefined) continue;
        const list = byExit.get(exit);
        if (list) list.push(c.id);
        else byExit.set(exit, [c.id]);
      }
      judged += await markJudged(db, byExit, work.now);
    }
  }
  return judged;
}
