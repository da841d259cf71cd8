import { readAudienceJsonPage } from '../audiences/store.js';
import { newIds } from '../shared/ids.js';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { moveOn, type Mover } from './advance-due.js';
import { countExits, insertInstances } from './instance-store.js';
import { pathTails } from './path.js';
import { cohortEntriesBetween, insertCohorts } from './cohort-store.js';
import { formCohorts } from './cohorts.js';
import { instanceRowOf, newEntryState, type EnteringUser } from './new-instance.js';
import type { RunnerWork } from './runner-work.js';

/** Audience users entered per page (one transaction each, with the cursor). */
export const ENTRY_PAGE = 2_000;

class EntryLeaseLost extends Error {}
/** A user of the page entered meanwhile (another version's entry): the page is rolled back and read again. */
class EntryCollision extends Error {}

/**
 * Enters one page of users of each published journey whose audience entry time has come, in
 * customer_id order after the saved cursor. The page's users walk on from the entry node at once
 * (sent together at a webhook node, as the advance does); their instances (or cohorts: cohorts.ts),
 * steps and batches and the cursor commit together, under a lease on the journey's entry, so a restart
 * resumes after the last page and each user enters, and is sent, once (their entry key, or cohort
 * entry, is unique per journey besides).
 */
export async function enterAudiencePage(work: RunnerWork): Promise<number> {
  const { db } = work.ctx.store;
  const { now, owner } = work;
  const due = await db
    .selectFrom('journeys')
    .select(['id', 'workspace_id', 'audience_id', 'entry_at', 'audience_cursor', 'published_version', 'entry_lease_owner', 'entry_lease_expires_at'])
    .where('status', '=', 'published')
    .where('audience_done', '=', 0)
    .where('entry_type', '=', 'audience')
    .where('entry_at', '<=', now)
    .where((eb) => eb.or([eb('entry_lease_owner', 'is', null), eb('entry_lease_owner', '=', owner), eb('entry_lease_expires_at', '<=', now)]))
    .limit(10)
    .execute();
  let entered = 0;
  for (const journey of due) {
    // A lease this runner holds with half its time left is not renewed (a write and a commit per page saved):
    // the page's own transaction checks it still holds the lease.
    const held = journey.entry_lease_owner === owner && Number(journey.entry_lease_expires_at) - now >= work.leaseMs / 2;
    if (!held && !(await claimEntry(db, journey.id, owner, now, work.leaseMs))) continue;
    if (journey.audience_id === null || journey.published_version === null) continue;
    const graph = await work.graphs.get(journey.id, journey.published_version);
    if (!graph) continue;
    // Kept as stored: the instance holds the same JSON, parsed only where a webhook node reads it.
    const users = await readAudienceJsonPage(db, journey.audience_id, journey.audience_cursor, ENTRY_PAGE);
    const done = users.length < ENTRY_PAGE;
    // Users already in (or once in) the journey are refused by its unique indexes; leave them out
    // before anything is sent. A row that still collides rolls the page back (retried next round).
    const fresh = await notYetEntered(db, journey.id, users);
    const ids = newIds('jin', fresh.length, now);
    const visits = newIds('jnv', fresh.length, now);
    const version = journey.published_version;
    // Entering users walk on and are sent in the page's own transaction: no claim, no second write.
    // Only those who end up with an instance of their own get its whole row.
    const movers: Mover[] = fresh.map((user, i) => ({
      state: newEntryState(ids[i]!, journey.id, graph.entryNodeId, visits[i]!, now),
      row: { workspace_id: journey.workspace_id, journey_id: journey.id, journey_version: version, customer_id: user.customerId, ids: user.ids, attributes: user.attributes, started_at: now },
      graph,
    }));
    try {
      await moveOn(work, movers, async (trx, steps) => {
        const paths = pathTails(steps);
        // Those now waiting at a judgment whose every branch ends share a row per batch; the others get an instance each.
        const { cohorts, others } = formCohorts(movers, paths, now);
        // Audience entry is once per user: the entry key is the customer id.
        const inserted = await insertInstances(trx, work.ctx.store.dialect, others.map(({ row, state }) => instanceRowOf(row, state, row.customer_id, paths.get(state.id) ?? '')));
        if (inserted.size !== others.length || (await insertCohorts(trx, work.ctx.store.dialect, cohorts)) !== fresh.length - others.length) throw new EntryCollision();
        await countExits(trx, steps);
        // The entry may have changed (a new version with another audience) since this page was read.
        const moved = await trx
          .updateTable('journeys')
          .set({
            audience_cursor: users.length > 0 ? users[users.length - 1]!.customerId : journey.audience_cursor,
            audience_done: done ? 1 : 0,
            ...(done ? { entry_lease_owner: null, entry_lease_expires_at: null } : {}),
          })
          .where('id', '=', journey.id)
          .where('entry_lease_owner', '=', owner)
          .where('audience_id', '=', journey.audience_id)
          .where('entry_at', '=', journey.entry_at)
          .where('status', '=', 'published')
          .executeTakeFirst();
        if (Number(moved.numUpdatedRows) !== 1) throw new EntryLeaseLost();
      });
      // Users read, not inserted: a page of users who entered before is progress too.
      entered += fresh.length > 0 ? fresh.length : users.length;
    } catch (error) {
      if (!(error instanceof EntryLeaseLost) && !(error instanceof EntryCollision)) throw error;
    }
  }
  return entered;
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

/**
 * The users who may still enter (audience entry is once per user): none of the journey's instances
 * has their entry key (their customer id), nor is an active one theirs, nor did they enter in a
 * cohort. `users` are a page in customer id order, so each table is read once over the page's range
 * of customer ids instead of by lists of ids.
 */
async function notYetEntered(db: Kysely<Database>, journeyId: string, users: readonly EnteringUser[]): Promise<EnteringUser[]> {
  if (users.length === 0) return [];
  const first = users[0]!.customerId;
  const last = users[users.length - 1]!.customerId;
  const found = await db
    .selectFrom('journey_instances')
    .select(['customer_id', 'entry_key', 'status'])
    .where('journey_id', '=', journeyId)
    .where('customer_id', '>=', first)
    .where('customer_id', '<=', last)
    .execute();
  // A cohort member entered once, whether still waiting or not.
  const taken = await cohortEntriesBetween(db, journeyId, first, last);
  for (const f of found) {
    if (f.status === 'active') taken.add(f.customer_id);
    if (f.entry_key !== null) taken.add(f.entry_key);
  }
  return users.filter((u) => !taken.has(u.customerId));
}
