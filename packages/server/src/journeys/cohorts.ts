import { latestReceipts, type LatestReceipt } from '../receipts/store.js';
import { visitIdSource } from './send-walk.js';
import type { JourneyCohortUsersRow, JourneyNodeExitRow } from '../store/schema.js';
import { judge } from './advance.js';
import { addCohortUsers, memberVisits, writeCohorts, type CohortChange, type CohortRow, type MemberResult } from './cohort-store.js';
import type { JourneyGraph } from './graph.js';
import { addExitCounts } from './instance-store.js';
import type { JudgmentNode } from './model.js';
import { batchStatuses } from './judge-store.js';
import type { RunnerWork } from './runner-work.js';

/**
 * Cohorts (docs/journeys.md, "Cohorts"): users who entered a journey together from its audience,
 * were sent in one batch and wait at a judgment whose every branch ends are kept as one row until
 * each is judged. Their facts are already per batch (the roster, the receipts), so the engine writes
 * one row per hundred users where it would write an instance per user at entry and again when judged.
 */

/** A running judgment node, as the judgment sees it. */
export interface CohortNode {
  node: JudgmentNode;
  graph: JourneyGraph;
  codes: string[];
}

/** Where a judged member goes: the branch and the node it leads to (undefined: the branch ends there). */
interface Branch {
  exit: string;
  next: string | undefined;
}

/** The branches of one judgment node, each worked out once per call instead of per member. */
function branchesOf(running: CohortNode): (exit: string) => Branch {
  const branches = new Map<string, Branch>();
  return (exit) => {
    let branch = branches.get(exit);
    if (!branch) branches.set(exit, (branch = { exit, next: running.graph.next(running.node.id, exit) }));
    return branch;
  };
}

/**
 * Judges the waiting members of `cohorts` as the judgment rules say (docs/journeys.md, "Judgment
 * rules"), from their batch's status and latest chosen receipt: `found` gives receipts already in
 * hand by action id (the newest the look found; a null status is several at once, read again); the
 * others are read, unless the cohort was found by receipts alone (`readReceipts` false: a member
 * without one in hand has none, and only those found with several are read). The judged leave by
 * their branch to its end; each cohort is written only if no other runner wrote it since it was
 * read. Returns how many members were judged.
 */
export async function judgeCohorts(
  work: RunnerWork,
  nodes: ReadonlyMap<string, CohortNode>,
  cohorts: readonly { cohort: CohortRow; readReceipts: boolean }[],
  found: ReadonlyMap<string, { status: string | null }> = new Map(),
): Promise<number> {
  const { ctx, now } = work;
  const { db, dialect } = ctx.store;
  if (cohorts.length === 0) return 0;
  const batches = await batchStatuses(db, [...new Set(cohorts.map((c) => c.cohort.batch_id))]);
  const changes: CohortChange[] = [];
  // What each cohort's judged members add to the counts, kept apart until its write is known to hold.
  const tallies = new Map<string, { exits: JourneyNodeExitRow[]; ends: JourneyCohortUsersRow[] }>();
  const branchOf = new Map<CohortNode, (exit: string) => Branch>();
  const newVisitId = visitIdSource(now);
  for (const { cohort, readReceipts } of cohorts) {
    const running = nodes.get(`${cohort.journey_id}@${cohort.journey_version}:${cohort.node_id}`);
    if (!running) continue;
    let branch = branchOf.get(running);
    if (!branch) branchOf.set(running, (branch = branchesOf(running)));
    const actions = cohort.member_actions.split(',');
    const results = JSON.parse(cohort.results) as MemberResult[];
    const chosen = (status: string | null | undefined): status is string => typeof status === 'string' && running.codes.includes(status);
    // Chosen receipts not in hand are read, one query for the cohort; so are those a look found several of at once.
    const unread = running.codes.length === 0 ? [] : actions.filter((action, i) => results[i] === null && (readReceipts ? !chosen(found.get(action)?.status) : found.get(action)?.status === null));
    const read: Map<string, LatestReceipt> = unread.length === 0 ? new Map() : await latestReceipts(db, dialect, unread.map((actionId) => ({ batchId: cohort.batch_id, actionId })), running.codes);
    const batchStatus = batches.get(cohort.batch_id) ?? null;
    const facts = { batchStatus, receiptStatus: null as string | null, dueAt: cohort.due_at ?? now, now };
    // Members differ only in their receipt: each status is judged once per cohort (null: not yet).
    const exits = new Map<string | null, string | null>();
    const taken = new Map<Branch, number>();
    // The members' visits at the judgment, read only for a branch that ends there (its visit is their last).
    let visits: string[] | undefined;
    for (let i = 0; i < actions.length; i++) {
      if (results[i] !== null) continue;
      const action = actions[i]!;
      const inHand = found.get(action)?.status;
      const receiptStatus = chosen(inHand) ? inHand : (read.get(action)?.status ?? null);
      let exit = exits.get(receiptStatus);
      if (exit === undefined) {
        facts.receiptStatus = receiptStatus;
        exits.set(receiptStatus, (exit = judge(running.node, facts) ?? null));
      }
      if (exit === null) continue;
      const to = branch(exit);
      if (to.next === undefined) visits ??= await memberVisits(db, dialect, cohort.id);
      results[i] = to.next === undefined ? [exit, now, cohort.node_id, visits![i]!] : [exit, now, to.next, newVisitId()];
      taken.set(to, (taken.get(to) ?? 0) + 1);
    }
    if (taken.size === 0) continue;
    let count = 0;
    const tally: { exits: JourneyNodeExitRow[]; ends: JourneyCohortUsersRow[] } = { exits: [], ends: [] };
    for (const [to, users] of taken) {
      count += users;
      tally.exits.push({ journey_id: cohort.journey_id, node_id: cohort.node_id, exit: to.exit, users });
      tally.ends.push({ journey_id: cohort.journey_id, node_id: to.next ?? cohort.node_id, status: 'exited', users });
    }
    tallies.set(cohort.id, tally);
    changes.push({ id: cohort.id, revision: cohort.revision, results: JSON.stringify(results), pending: cohort.pending - count, settledAt: now });
  }
  if (changes.length === 0) return 0;
  return db.transaction().execute(async (trx) => {
    const written = [...(await writeCohorts(trx, dialect, changes))].map((id) => tallies.get(id)!);
    await addExitCounts(trx, written.flatMap((t) => t.exits));
    await addCohortUsers(trx, written.flatMap((t) => t.ends));
    return written.reduce((sum, t) => sum + t.ends.reduce((n, e) => n + e.users, 0), 0);
  });
}
