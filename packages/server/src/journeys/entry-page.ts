import { newIds } from '../shared/ids.js';
import type { JourneyInstanceRow, JourneyNodeExitRow, JourneyStepRow } from '../store/schema.js';
import type { SendSpec } from '../tasks/plan-page.js';
import type { NewCohort } from './cohort-store.js';
import { formCohorts } from './form-cohorts.js';
import type { JourneyGraph } from './graph.js';
import type { JourneyDefinition } from './model.js';
import { instanceRowOf, newEntryState, type EnteringUser } from './new-instance.js';
import { pathTails } from './path.js';
import { buildSends, visitIdSource, walkToSends, type BuiltSends, type Mover } from './send-walk.js';
import { exitCountsOf } from './sum-counts.js';

/**
 * A page of a journey's audience entry, built without the store (docs/journeys.md, "Audience entry"):
 * on the page thread (tasks/page-thread.ts) while the runner writes the page before, or on the event
 * loop where there is no thread. The runner inserts what it holds in one transaction.
 */

/** What an entry page is built from: where its users are read, and how the journey moves and sends them. */
export interface EntryPageRequest {
  workspaceId: string;
  journeyId: string;
  version: number;
  /** The published version's definition (compiled where the page is built). */
  definition: JourneyDefinition;
  audienceId: string;
  /** The last customer id of the pages before (null: from the start). */
  cursor: string | null;
  pageSize: number;
  /** When the page's users enter. */
  now: number;
  /** Each webhook node's values, by node id; null when its webhook is gone (its users leave by "noId"). */
  specs: Record<string, SendSpec | null>;
  maxAttempts: number;
}

/** A page ready to insert. */
export interface EntryPage {
  /** The cursor after this page: its last customer id read (the request's when it read none). */
  cursor: string | null;
  /** Fewer users than a page: the audience is done. */
  last: boolean;
  /** Users read. */
  read: number;
  /** Users entering (those read who never entered before). */
  entering: number;
  sends: BuiltSends[];
  /** Users who get an instance of their own. */
  instances: JourneyInstanceRow[];
  /** Users who wait as cohort members (cohorts.ts). */
  cohorts: NewCohort[];
  exits: JourneyNodeExitRow[];
}

/** The journey's instances of customers from `first` to `last`: `(journeyId, first, last)`. */
export const INSTANCES_BETWEEN = 'select customer_id, entry_key, status from journey_instances where journey_id = ? and customer_id >= ? and customer_id <= ?';
/** The journey's cohort entries of customers from `first` to `last`: `(journeyId, first, last)`. */
export const COHORT_ENTRIES_BETWEEN = 'select customer_id from journey_entries where journey_id = ? and customer_id >= ? and customer_id <= ?';

/**
 * The customers who may not enter again (audience entry is once per user): those with an instance
 * whose entry key is theirs or that is active, and those who entered in a cohort.
 */
export function enteredBefore(instances: readonly { customer_id: string; entry_key: string | null; status: string }[], cohortEntries: readonly { customer_id: string }[]): Set<string> {
  const taken = new Set<string>();
  for (const e of cohortEntries) taken.add(e.customer_id);
  for (const i of instances) {
    if (i.status === 'active') taken.add(i.customer_id);
    if (i.entry_key !== null) taken.add(i.entry_key);
  }
  return taken;
}

/**
 * Enters a page of users read in customer id order (`users`, as stored), leaving out those in `taken`:
 * they walk from the entry node, those arriving at a webhook node are sent together (their batches
 * built), and walk on; those then waiting at a judgment whose every branch ends form cohorts, the
 * others get an instance each.
 */
export function buildEntryPage(users: readonly EnteringUser[], taken: ReadonlySet<string>, request: EntryPageRequest, graph: JourneyGraph): EntryPage {
  const { now } = request;
  const fresh = taken.size === 0 ? users : users.filter((u) => !taken.has(u.customerId));
  const ids = newIds('jin', fresh.length, now);
  const visits = newIds('jnv', fresh.length, now);
  const movers: Mover[] = fresh.map((user, i) => ({
    state: newEntryState(ids[i]!, request.journeyId, graph.entryNodeId, visits[i]!, now),
    row: { workspace_id: request.workspaceId, journey_id: request.journeyId, journey_version: request.version, customer_id: user.customerId, ids: user.ids, attributes: user.attributes, started_at: now },
    graph,
  }));
  const steps: JourneyStepRow[] = [];
  const walkContext = { now, steps, newVisitId: visitIdSource(now) };
  const groups = walkToSends(movers, walkContext);
  const sends = buildSends(groups, (group) => request.specs[group.node.id] ?? undefined, walkContext, request.maxAttempts);
  const paths = pathTails(steps);
  const { cohorts, others } = formCohorts(movers, paths, now);
  return {
    cursor: users.length > 0 ? users[users.length - 1]!.customerId : request.cursor,
    last: users.length < request.pageSize,
    read: users.length,
    entering: fresh.length,
    sends,
    // Audience entry is once per user: the entry key is the customer id.
    instances: others.map(({ row, state }) => instanceRowOf(row, state, row.customer_id, paths.get(state.id) ?? '')),
    cohorts,
    exits: exitCountsOf(steps),
  };
}
