import { CompiledQuery, type Kysely, type Selectable } from 'kysely';
import { notifyEnqueued } from '../delivery/notify.js';
import { maxAttemptsOf } from '../delivery/retry-policy.js';
import { dialectText } from '../store/queries.js';
import type { Database, JourneyRow } from '../store/schema.js';
import type { SendSpec } from '../tasks/plan-page.js';
import type { PageSource } from '../tasks/page-source.js';
import { insertSends, sendSpecReader } from './advance-due.js';
import { insertCohorts } from './cohort-store.js';
import type { EntryPage, EntryPageRequest } from './entry-page.js';
import type { JourneyGraph } from './graph.js';
import { addExitCounts, insertInstances } from './instance-store.js';
import type { RunnerWork } from './runner-work.js';

/** Audience users entered per page (one transaction each, with the cursor). */
export const ENTRY_PAGE = 2_000;

/** A journey whose audience entry is due, as the runner reads it. */
type DueEntry = Pick<Selectable<JourneyRow>, 'id' | 'workspace_id' | 'audience_id' | 'entry_at' | 'audience_cursor' | 'published_version' | 'entry_lease_owner' | 'entry_lease_expires_at'>;

// Text, not built per call: every round of every runner asks, busy or idle.
const DUE_ENTRIES = dialectText(`select id, workspace_id, audience_id, entry_at, audience_cursor, published_version, entry_lease_owner, entry_lease_expires_at
  from journeys where status = 'published' and audience_done = 0 and entry_type = 'audience' and entry_at <= ?
  and (entry_lease_owner is null or entry_lease_owner = ? or entry_lease_expires_at <= ?) limit 10`);

class EntryLeaseLost extends Error {}
/** A user of the page entered meanwhile (another version's entry): the page is rolled back and read again. */
class EntryCollision extends Error {}

/**
 * Enters one page of users of each published journey whose audience entry time has come, in
 * customer_id order after the saved cursor. The page's users walk on from the entry node at once
 * (sent together at a webhook node, as the advance does); the page is built by the runner's page
 * source (entry-page.ts), on the page thread while the page before is written. Its instances (or
 * cohorts: cohorts.ts), exit counts and batches and the cursor commit together, under a lease on the
 * journey's entry, so a restart resumes after the last page and each user enters, and is sent, once
 * (their entry key, or cohort entry, is unique per journey besides).
 */
export async function enterAudiencePage(work: RunnerWork): Promise<number> {
  const { db, dialect } = work.ctx.store;
  const { now, owner } = work;
  const { rows: due } = await db.executeQuery<DueEntry>(CompiledQuery.raw(DUE_ENTRIES[dialect], [now, owner, now]));
  let entered = 0;
  for (const journey of due) {
    // A lease this runner holds with half its time left is not renewed (a write and a commit per page saved):
    // the page's own transaction checks it still holds the lease.
    const held = journey.entry_lease_owner === owner && Number(journey.entry_lease_expires_at) - now >= work.leaseMs / 2;
    if (!held && !(await claimEntry(db, journey.id, owner, now, work.leaseMs))) continue;
    if (journey.audience_id === null || journey.published_version === null) continue;
    const graph = await work.graphs.get(journey.id, journey.published_version);
    if (!graph) continue;
    const request = await entryRequestOf(work, { ...journey, audience_id: journey.audience_id, published_version: journey.published_version }, graph);
    const page = await work.entryPages.take(request);
    // On the page thread, the next page is read and built while this one is written and sent.
    if (!page.last) work.entryPages.prepare({ ...request, cursor: page.cursor });
    try {
      await db.transaction().execute(async (trx) => {
        await insertSends(trx, dialect, page.sends);
        // Users who entered meanwhile (another version's entry) are refused by the unique indexes: the page is rolled back and read again.
        const inserted = await insertInstances(trx, dialect, page.instances);
        if (inserted.size !== page.instances.length || (await insertCohorts(trx, dialect, page.cohorts)) !== page.entering - page.instances.length) throw new EntryCollision();
        await addExitCounts(trx, page.exits);
        // The entry may have changed (a new version with another audience) since this page was read.
        const moved = await trx
          .updateTable('journeys')
          .set({
            audience_cursor: page.cursor,
            audience_done: page.last ? 1 : 0,
            ...(page.last ? { entry_lease_owner: null, entry_lease_expires_at: null } : {}),
          })
          .where('id', '=', journey.id)
          .where('entry_lease_owner', '=', owner)
          .where('audience_id', '=', journey.audience_id)
          .where('entry_at', '=', journey.entry_at)
          .where('status', '=', 'published')
          .executeTakeFirst();
        if (Number(moved.numUpdatedRows) !== 1) throw new EntryLeaseLost();
      });
      notifyEnqueued(work.ctx.store, [...new Set(page.sends.map((s) => s.webhookId))]);
      // Users read, not inserted: a page of users who entered before is progress too.
      entered += page.entering > 0 ? page.entering : page.read;
    } catch (error) {
      work.entryPages.drop(journey.id);
      if (!(error instanceof EntryLeaseLost) && !(error instanceof EntryCollision)) throw error;
    }
  }
  return entered;
}

/** What the next entry page of `journey` is built from: its published version, its audience after the cursor, and each webhook node's values as its webhook stands now. */
async function entryRequestOf(
  work: RunnerWork,
  journey: { id: string; workspace_id: string; audience_id: string; audience_cursor: string | null; published_version: number },
  graph: JourneyGraph,
): Promise<EntryPageRequest> {
  const specOf = sendSpecReader(work.ctx.store.db);
  const specs: Record<string, SendSpec | null> = {};
  for (const node of graph.definition.nodes) {
    if (node.type === 'webhook') specs[node.id] = (await specOf(journey.workspace_id, node)) ?? null;
  }
  return {
    workspaceId: journey.workspace_id,
    journeyId: journey.id,
    version: journey.published_version,
    definition: graph.definition,
    audienceId: journey.audience_id,
    cursor: journey.audience_cursor,
    pageSize: ENTRY_PAGE,
    now: work.now,
    specs,
    maxAttempts: maxAttemptsOf(work.ctx.config.delivery.retryScheduleMs),
  };
}

/** How long a page built ahead stays usable: its users enter at the time it was asked for. */
const AHEAD_MAX_AGE_MS = 1_000;

/**
 * A runner's journey entry pages, built by its page source; on the page thread, the page after the
 * one being written is built meanwhile (one per journey), as a task's pages are (docs/journeys.md,
 * "Audience entry").
 */
export class EntryPages {
  private readonly ahead = new Map<string, { request: EntryPageRequest; page: Promise<EntryPage> }>();

  constructor(private readonly source: PageSource) {}

  /** The page for `request`: the one built ahead when it was asked for the same page of the same version lately, else built now. */
  take(request: EntryPageRequest): Promise<EntryPage> {
    for (const [journeyId, { request: asked }] of this.ahead) {
      if (request.now - asked.now > AHEAD_MAX_AGE_MS || request.now < asked.now) this.ahead.delete(journeyId);
    }
    const ahead = this.ahead.get(request.journeyId);
    this.ahead.delete(request.journeyId);
    const same = ahead !== undefined && ahead.request.version === request.version && ahead.request.audienceId === request.audienceId && ahead.request.cursor === request.cursor && ahead.request.pageSize === request.pageSize;
    return same ? ahead.page : this.source.buildEntry(request);
  }

  /** Has the page for `request` built ahead, if the source builds elsewhere than the event loop. */
  prepare(request: EntryPageRequest): void {
    if (!this.source.ahead) return;
    const page = this.source.buildEntry(request);
    // A page built ahead may never be taken (the journey paused, the lease lost): its failure is nobody's.
    page.catch(() => {});
    this.ahead.set(request.journeyId, { request, page });
  }

  /** Forgets the page built ahead for a journey whose page was not written. */
  drop(journeyId: string): void {
    this.ahead.delete(journeyId);
  }
}

/** Takes (or renews) the lease on a journey's audience entry for `owner`; false when another runner holds it or the entry is done. */
async function claimEntry(db: Kysely<Database>, journeyId: string, owner: string, now: number, leaseMs: number): Promise<boolean> {
  const claimed = await db
    .updateTable('journeys')
    .set({ entry_lease_owner: owner, entry_lease_expires_at: now + leaseMs })
    .where('id', '=', journeyId)
    .where('status', '=', 'published')
    .where('audience_done', '=', 0)
    .where((eb) => eb.or([eb('entry_lease_owner', 'is', null), eb('entry_lease_owner', '=', owner), eb('entry_lease_expires_at', '<=', now)]))
    .executeTakeFirst();
  return Number(claimed.numUpdatedRows) === 1;
}
