import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { auditJourney } from './audit-journey.js';
import { checkedDefinition } from './check-journey.js';
import type { Journey } from './model.js';
import { readJourney } from './read-journey.js';
import type { JourneyInput } from './schemas.js';
import { findJourney, markVersionPublished, toJourney, updateJourneyRow } from './store.js';
import { raiseSignal } from '../shared/signals.js';

/**
 * Publishes the latest version: from now on users enter it (users already in flight finish the
 * version they entered). It is checked again first, since its webhooks, audience or the caller's
 * grants may have changed since it was saved. Publishing with nothing new changes nothing.
 */
export async function publishJourney(ctx: AppContext, principal: Principal, id: string): Promise<Journey> {
  const existing = await readJourney(ctx.store.db, principal.workspaceId, id);
  const { row, definition } = existing;
  if (row.status === 'stopped') throw errors.journeyState('stopped', 'published');
  if (row.published_version === row.latest_version) return toJourney(existing);
  await checkedDefinition(ctx, principal, definition as JourneyInput);
  const now = ctx.clock.now();
  const entry = definition.entry;
  const audienceAt = entry.type === 'audience' ? Date.parse(entry.at) : null;
  // Each audience user enters once: a new version keeps the progress unless the entry itself changed.
  const sameEntry = entry.type === 'audience' && row.entry_type === 'audience' && row.audience_id === entry.audienceId && row.entry_at === audienceAt;
  const published = await ctx.store.db.transaction().execute(async (trx) => {
    const written = await updateJourneyRow(trx, id, row.version, {
      status: row.status === 'draft' ? 'published' : row.status,
      published_version: row.latest_version,
      published_at: now,
      updated_at: now,
      entry_type: entry.type,
      audience_id: entry.type === 'audience' ? entry.audienceId : null,
      entry_at: audienceAt,
      reentry: entry.type === 'event' ? entry.reentry : null,
      ...(sameEntry ? {} : { audience_cursor: null, audience_done: entry.type === 'audience' ? 0 : 1 }),
    });
    if (!written) return undefined;
    await markVersionPublished(trx, id, row.latest_version, now);
    const journey = toJourney((await findJourney(trx, principal.workspaceId, id))!);
    await auditJourney(trx, principal, { action: 'publish', id, before: toJourney(existing), after: journey, at: now });
    return journey;
  });
  if (!published) throw errors.concurrentModification('journey');
  raiseSignal(ctx.store, 'journeys');
  return published;
}
