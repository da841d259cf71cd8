import { judge, walk, receiptCodesOf, type InstanceState } from './advance.js';
import { lastJourneyReceivedAt, latestReceipts } from '../receipts/store.js';
import { chunk } from '../store/queries.js';
import type { JourneyStepRow } from '../store/schema.js';
import { changeOf, stateOf } from './advance-due.js';
import { visitIdSource } from './send-walk.js';
import type { JourneyGraph } from './graph.js';
import { countExits, updateInstances } from './instance-store.js';
import {
  batchStatuses,
  decidableUsersOfNode,
  journeyBatchesFinishedIn,
  journeyReceiptsIn,
  lastJourneyBatchFinishedAt,
  newerReceipt,
  usersOfActions,
  usersOfFinishedBatches,
  usersPastDeadline,
  type FoundReceipt,
  type JudgeRow,
  type NodeKey,
  type TimeWindow,
} from './judge-store.js';
import { cohortBatchesAmong, cohortsOfBatches, cohortsOfNode, cohortsPastDeadline, type CohortRow } from './cohort-store.js';
import { judgeCohorts } from './cohorts.js';
import type { JudgmentNode } from './model.js';
import type { RunnerWork } from './runner-work.js';

/** Most users read per deadline query and per sweep of a node. */
const JUDGE_LIMIT = 2000;
/** Most cohorts (each up to 100 users) read per deadline query and per sweep of a node. */
const COHORT_PAGE = 200;
/** Users judged and moved on per transaction. */
const WRITE_CHUNK = 1000;
/**
 * How late a receipt or a batch's end may commit after its timestamp and still be judged on
 * promptly: a second look reads each such window once more this long after it.
 */
export const SETTLE_MS = 10_000;
/** How often each running journey's judgment nodes are swept whole, for anything both looks missed. */
export const SWEEP_INTERVAL_MS = 10 * 60_000;

interface RunningNode extends NodeKey {
  node: JudgmentNode;
  graph: JourneyGraph;
  codes: string[];
}

/**
 * Judges users at judgment nodes from what changed since the runner last looked, so each user is
 * read a bounded number of times however long they wait (docs/journeys.md, "How judgment is
 * driven"):
 * - receipts received since the last look (`received_at` up to the newest stored), and journey
 *   batches finished since (`finished_at`), each to the users or cohorts waiting on them;
 * - the same two, read once more SETTLE_MS later, for rows that committed after a look had passed
 *   their timestamp (a batch's end is timed before its transaction; on PostgreSQL, reports in parallel
 *   transactions commit in any order);
 * - deadlines passed (`due_at`);
 * - a sweep of every user of a journey's judgment nodes when this runner first sees the journey
 *   running (its start, a resume, any change of the journey) and every SWEEP_INTERVAL_MS.
 * What decides a user is re-read when they are judged, so a missed look only delays a judgment,
 * never changes it. Judged users are moved on at once (one guarded write per thousand), so a user is
 * judged once even with several runners.
 */
export class Judgments {
  private looked = false;
  private receiptsFrom = 0;
  private batchesFrom = 0;
  private settledTo = 0;
  /** Running journeys this runner has seen, by id: their revision and the last sweep (null: due). */
  private readonly journeys = new Map<string, { revision: number; sweptAt: number | null; cohortsAfter: Map<string, string> }>();

  /** One look: judges whatever can be judged now and moves those users on; returns how many. */
  async run(work: RunnerWork): Promise<number> {
    const { db, dialect } = work.ctx.store;
    const { now } = work;
    const nodes = await this.runningNodes(work);

    // Where each feed stands now; on a runner's first look, the sweeps stand in for everything before.
    const [lastReceipt, lastBatch] = await Promise.all([lastJourneyReceivedAt(db), lastJourneyBatchFinishedAt(db)]);
    if (!this.looked) {
      this.receiptsFrom = lastReceipt ?? 0;
      this.batchesFrom = lastBatch ?? 0;
      this.settledTo = now - SETTLE_MS;
      this.looked = true;
    }
    const found = new Map<string, JudgeRow>();
    // A user found more than once keeps the newest receipt that found them.
    const add = (rows: readonly JudgeRow[]) => {
      for (const row of rows) {
        const seen = found.get(row.id);
        if (seen?.receipt) row.receipt = row.receipt ? newerReceipt(seen.receipt, row.receipt) : seen.receipt;
        if (seen?.batch_status !== undefined) row.batch_status = seen.batch_status;
        found.set(row.id, row);
      }
    };
    const codes = [...new Set([...nodes.values()].flatMap((n) => n.codes))];
    const decidedBySuccess = [...nodes.values()].filter((n) => n.codes.length === 0);
    const look = nodes.size > 0;
    // Cohorts to judge, whether only for receipts in hand (else their members' receipts are read), and the
    // newest chosen receipt of each message the looks found (by action id).
    const cohorts = new Map<string, { cohort: CohortRow; readReceipts: boolean }>();
    const addCohorts = (rows: readonly CohortRow[], readReceipts = true) => {
      for (const cohort of rows) cohorts.set(cohort.id, { cohort, readReceipts: readReceipts || (cohorts.get(cohort.id)?.readReceipts ?? false) });
    };
    const newest = new Map<string, FoundReceipt>();
    const lookAtReceipts = async (window: TimeWindow) => {
      const receipts = await journeyReceiptsIn(db, dialect, window, codes);
      if (receipts.length === 0) return;
      for (const r of receipts) {
        const receipt = { status: r.status, receivedAt: r.received_at };
        const seen = newest.get(r.action_id);
        newest.set(r.action_id, seen ? newerReceipt(seen, receipt) : receipt);
      }
      // Receipts of a cohort's batch are judged with the cohort (if any member still waits); the others find their waiting users.
      // A member without a receipt in hand has none stored either: an earlier one would have been found by an earlier look.
      const cohortBatches = await cohortBatchesAmong(db, dialect, [...new Set(receipts.map((r) => r.batch_id))]);
      if (cohortBatches.size > 0) addCohorts(await cohortsOfBatches(db, dialect, [...cohortBatches]), false);
      const users = await usersOfActions(db, [...new Set(receipts.filter((r) => !cohortBatches.has(r.batch_id)).map((r) => r.action_id))]);
      for (const user of users) user.receipt = newest.get(user.last_action_id!);
      add(users);
    };
    const lookAtBatches = async (window: TimeWindow) => {
      add(await usersOfFinishedBatches(db, dialect, window, decidedBySuccess));
      // A cohort's finished batch decides it when it failed, or succeeded for a judgment awaiting no receipt.
      const decisive = (await journeyBatchesFinishedIn(db, dialect, window)).filter((b) => b.status !== 'succeeded' || decidedBySuccess.length > 0);
      if (decisive.length > 0) addCohorts(await cohortsOfBatches(db, dialect, decisive.map((b) => b.id)));
    };

    if (lastReceipt !== null && lastReceipt >= this.receiptsFrom) {
      if (look) await lookAtReceipts({ from: this.receiptsFrom, to: lastReceipt, toInclusive: true });
      this.receiptsFrom = lastReceipt;
    }
    if (lastBatch !== null && lastBatch >= this.batchesFrom) {
      if (look) await lookAtBatches({ from: this.batchesFrom, to: lastBatch, toInclusive: true });
      this.batchesFrom = lastBatch;
    }
    const settleTo = now - SETTLE_MS;
    if (settleTo > this.settledTo) {
      const window = { from: this.settledTo, to: settleTo, toInclusive: false };
      if (look) {
        await lookAtReceipts(window);
        await lookAtBatches(window);
      }
      this.settledTo = settleTo;
    }
    if (look) {
      add(await usersPastDeadline(db, dialect, now, JUDGE_LIMIT));
      addCohorts(await cohortsPastDeadline(db, dialect, now, COHORT_PAGE));
    }
    for (const [journeyId, seen] of this.journeys) {
      if (seen.sweptAt !== null) continue;
      let complete = true;
      for (const node of nodes.values()) {
        if (node.journeyId !== journeyId) continue;
        const rows = await decidableUsersOfNode(db, dialect, node, now, JUDGE_LIMIT);
        add(rows);
        // A full page: the rest of the backlog is read next round, once these are judged.
        if (rows.length === JUDGE_LIMIT) complete = false;
        // Cohorts are read whole (what decides their members is read after), a page per round.
        const key = nodeKey(node.journeyId, node.version, node.nodeId);
        const page = await cohortsOfNode(db, dialect, node, COHORT_PAGE, seen.cohortsAfter.get(key));
        addCohorts(page);
        if (page.length === COHORT_PAGE) {
          seen.cohortsAfter.set(key, page[page.length - 1]!.id);
          complete = false;
        } else seen.cohortsAfter.delete(key);
      }
      if (complete) seen.sweptAt = now;
    }
    const fromCohorts = cohorts.size === 0 ? 0 : await judgeCohorts(work, nodes, [...cohorts.values()], newest);
    return fromCohorts + (found.size === 0 ? 0 : await this.judgeAndMove(work, nodes, [...found.values()]));
  }

  /** The judgment nodes of every published version of running journeys; notes which journeys need a sweep. */
  private async runningNodes(work: RunnerWork): Promise<Map<string, RunningNode>> {
    const versions = await work.ctx.store.db
      .selectFrom('journey_versions as v')
      .innerJoin('journeys as j', 'j.id', 'v.journey_id')
      .select(['v.journey_id', 'v.version', 'j.version as revision'])
      .where('j.status', '=', 'published')
      .where('v.published_at', 'is not', null)
      .execute();
    const running = new Set<string>();
    const nodes = new Map<string, RunningNode>();
    for (const { journey_id: journeyId, version, revision } of versions) {
      if (!running.has(journeyId)) {
        running.add(journeyId);
        const seen = this.journeys.get(journeyId);
        if (!seen || seen.revision !== Number(revision)) this.journeys.set(journeyId, { revision: Number(revision), sweptAt: null, cohortsAfter: new Map() });
        else if (seen.sweptAt !== null && work.now - seen.sweptAt >= SWEEP_INTERVAL_MS) seen.sweptAt = null;
      }
      const graph = await work.graphs.get(journeyId, version);
      if (!graph) continue;
      for (const node of graph.definition.nodes) {
        if (node.type !== 'judgment') continue;
        nodes.set(nodeKey(journeyId, version, node.id), { journeyId, version, nodeId: node.id, node, graph, codes: receiptCodesOf(node) });
      }
    }
    // A paused or stopped journey is swept again when it runs again.
    for (const journeyId of this.journeys.keys()) if (!running.has(journeyId)) this.journeys.delete(journeyId);
    return nodes;
  }

  /** Judges `rows` (reading the latest chosen receipt of those no chosen receipt found), moves the judged on as far as they go, and writes them guarded. */
  private async judgeAndMove(work: RunnerWork, nodes: ReadonlyMap<string, RunningNode>, rows: JudgeRow[]): Promise<number> {
    const { ctx, now } = work;
    const byNode = new Map<string, JudgeRow[]>();
    for (const row of rows) {
      const key = nodeKey(row.journey_id, row.journey_version, row.node_id);
      const list = byNode.get(key);
      if (list) list.push(row);
      else byNode.set(key, [row]);
    }
    const judged: { state: InstanceState; graph: JourneyGraph }[] = [];
    for (const [key, users] of byNode) {
      const running = nodes.get(key);
      if (!running) continue;
      // A user found by a receipt the node chose is judged on it: any newer one would have been found with it,
      // and an older chosen one would have judged them before. The others' chosen receipts and batches are read here.
      const known = (u: JudgeRow) => typeof u.receipt?.status === 'string' && running.codes.includes(u.receipt.status);
      const unknown = users.filter((u) => !known(u));
      const messages = running.codes.length === 0 ? [] : unknown.filter((u) => u.last_action_id !== null && u.last_batch_id !== null);
      const receipts = messages.length === 0 ? new Map() : await latestReceipts(ctx.store.db, ctx.store.dialect, messages.map((u) => ({ batchId: u.last_batch_id!, actionId: u.last_action_id! })), running.codes);
      const unreadBatches = [...new Set(unknown.flatMap((u) => (u.batch_status === undefined && u.last_batch_id !== null ? [u.last_batch_id] : [])))];
      const batches = unreadBatches.length === 0 ? new Map<string, string>() : await batchStatuses(ctx.store.db, unreadBatches);
      for (const user of users) {
        const receiptStatus = known(user) ? user.receipt!.status : (user.last_action_id !== null && receipts.get(user.last_action_id)?.status) || null;
        const batchStatus = user.batch_status !== undefined ? user.batch_status : user.last_batch_id === null ? null : (batches.get(user.last_batch_id) ?? null);
        const exit = judge(running.node, { batchStatus, receiptStatus, dueAt: user.due_at ?? now, now });
        if (exit === undefined) continue;
        const state = stateOf(user);
        state.phase = 'leave';
        state.exit = exit;
        state.dueAt = now;
        judged.push({ state, graph: running.graph });
      }
    }
    let moved = 0;
    const newVisitId = visitIdSource(now);
    for (const part of chunk(judged, WRITE_CHUNK)) {
      const steps: JourneyStepRow[] = [];
      // On as far as each goes now; a user reaching a webhook node is sent by this round's advance.
      for (const { state, graph } of part) walk(state, graph, { now, steps, newVisitId });
      moved += await ctx.store.db.transaction().execute(async (trx) => {
        // Guarded by phase: a user another runner judged meanwhile is not written, nor are their steps.
        const written = await updateInstances(trx, ctx.store, part.map((j) => changeOf(j.state)), { judging: true }, steps);
        await countExits(trx, steps.filter((s) => written.has(s.instance_id)));
        return written.size;
      });
    }
    return moved;
  }
}

const nodeKey = (journeyId: string, version: number, nodeId: string) => `${journeyId}@${version}:${nodeId}`;
