import type { Kysely } from 'kysely';
import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { chunk, IN_CHUNK } from '../store/queries.js';
import { newIds } from '../shared/ids.js';
import type { Database } from '../store/schema.js';
import { compileGraph } from './graph.js';
import { insertInstances } from './instance-store.js';
import { cohortMemberStatuses } from './cohort-store.js';
import { newInstanceRow, type EnteringUser } from './new-instance.js';
import { readJourney } from './read-journey.js';
import type { EntriesInput } from './schemas.js';
import { findDefinition } from './store.js';
import { raiseSignal } from '../shared/signals.js';

type Skipped = { customerId: string; reason: 'inJourney' | 'alreadyEntered' | 'duplicate' };

/**
 * Real-time entry: the users named enter the published version of an event-entry journey now. A
 * user already in the journey is skipped; so is one who was in it before when re-entry is "never".
 * Their IDs and attributes are taken from the workspace's audiences (the most recently updated
 * row); a customer in no audience enters without IDs and leaves each webhook node by "noId".
 */
export async function enterJourney(ctx: AppContext, principal: Principal, id: string, input: EntriesInput): Promise<{ entered: { customerId: string; instanceId: string }[]; skipped: Skipped[] }> {
  const db = ctx.store.db;
  const { row } = await readJourney(db, principal.workspaceId, id);
  if (row.status !== 'published') throw errors.journeyEntryClosed(row.status === 'paused' ? 'it is paused' : `it is ${row.status === 'draft' ? 'not published yet' : 'stopped'}`);
  if (row.entry_type !== 'event' || row.published_version === null) throw errors.journeyEntryClosed('its users enter from an audience, not by events');
  const definition = await findDefinition(db, id, row.published_version);
  const graph = compileGraph(definition!);
  const skipped: Skipped[] = [];
  const unique: string[] = [];
  const seen = new Set<string>();
  for (const customerId of input.customerIds) {
    if (seen.has(customerId)) skipped.push({ customerId, reason: 'duplicate' });
    else unique.push(customerId);
    seen.add(customerId);
  }
  // Users who entered as cohort members (an earlier audience entry) are in the journey while they wait, and were in it once after.
  const inCohorts = await cohortMemberStatuses(db, id, unique);
  const once = row.reentry !== 'afterExit';
  for (const [customerId, status] of inCohorts) {
    if (status === 'active') skipped.push({ customerId, reason: 'inJourney' });
    else if (once) skipped.push({ customerId, reason: 'alreadyEntered' });
    else inCohorts.delete(customerId);
  }
  const entering = unique.filter((c) => !inCohorts.has(c));
  const profiles = await findProfiles(db, principal.workspaceId, entering);
  const now = ctx.clock.now();
  const ids = newIds('jin', entering.length, now);
  const visits = newIds('jnv', entering.length, now);
  const rows = entering.map((customerId, i) =>
    newInstanceRow(profiles.get(customerId) ?? { customerId, ids: '{}', attributes: '{}' }, {
      workspaceId: principal.workspaceId, journeyId: id, version: row.published_version!, entryNodeId: graph.entryNodeId, now, id: ids[i]!, visitId: visits[i]!, once,
    }),
  );
  const inserted = await db.transaction().execute((trx) => insertInstances(trx, ctx.store.dialect, rows));
  if (inserted.size > 0) raiseSignal(ctx.store, 'journeys');
  const entered = rows.filter((r) => inserted.has(r.id)).map((r) => ({ customerId: r.customer_id, instanceId: r.id }));
  const refused = rows.filter((r) => !inserted.has(r.id)).map((r) => r.customer_id);
  const active = new Set<string>();
  for (const part of chunk(refused, IN_CHUNK)) {
    const found = await db.selectFrom('journey_instances').select('customer_id').where('journey_id', '=', id).where('status', '=', 'active').where('customer_id', 'in', part).execute();
    for (const f of found) active.add(f.customer_id);
  }
  for (const customerId of refused) skipped.push({ customerId, reason: active.has(customerId) ? 'inJourney' : 'alreadyEntered' });
  return { entered, skipped };
}

/** The latest audience row of each customer among the workspace's audiences (by primary key: audience, customer). */
async function findProfiles(db: Kysely<Database>, workspaceId: string, customerIds: readonly string[]): Promise<Map<string, EnteringUser>> {
  const found = new Map<string, EnteringUser & { at: number }>();
  const audiences = (await db.selectFrom('audiences').select('id').where('workspace_id', '=', workspaceId).execute()).map((a) => a.id);
  if (audiences.length === 0) return new Map();
  for (const part of chunk(customerIds, IN_CHUNK)) {
    const rows = await db.selectFrom('audience_users').select(['customer_id', 'ids', 'attributes', 'updated_at']).where('audience_id', 'in', audiences).where('customer_id', 'in', part).execute();
    for (const r of rows) {
      const at = Number(r.updated_at);
      if ((found.get(r.customer_id)?.at ?? -1) >= at) continue;
      found.set(r.customer_id, { customerId: r.customer_id, ids: r.ids, attributes: r.attributes, at });
    }
  }
  return new Map([...found].map(([k, { at: _at, ...user }]) => [k, user]));
}

