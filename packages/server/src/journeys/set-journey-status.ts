import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { auditJourney } from './audit-journey.js';
import type { Journey, JourneyStatus } from './model.js';
import { readJourney } from './read-journey.js';
import { findJourney, replaceUsages, stopInstances, toJourney, updateJourneyRow } from './store.js';
import { raiseSignal } from '../shared/signals.js';

/** Pause, resume or stop, and the states each may start from. */
const MOVES = {
  pause: { from: ['published'], to: 'paused' },
  resume: { from: ['paused'], to: 'published' },
  stop: { from: ['published', 'paused'], to: 'stopped' },
} as const satisfies Record<string, { from: readonly JourneyStatus[]; to: JourneyStatus }>;

export type StatusAction = keyof typeof MOVES;

/**
 * Pause (no one enters; users in flight hold where they are, their timers wait), resume (timers
 * that ended meanwhile fire at once), or stop (for good: every user still in the journey leaves it,
 * and its webhooks and audience are free again). Asking for the state it is already in changes nothing.
 */
export async function setJourneyStatus(ctx: AppContext, principal: Principal, id: string, action: StatusAction): Promise<Journey> {
  const existing = await readJourney(ctx.store.db, principal.workspaceId, id);
  const move = MOVES[action];
  const status = existing.row.status as JourneyStatus;
  if (status === move.to) return toJourney(existing);
  if (!(move.from as readonly JourneyStatus[]).includes(status)) throw errors.journeyState(status, action === 'stop' ? 'stopped' : `${action}d`);
  const now = ctx.clock.now();
  const changed = await ctx.store.db.transaction().execute(async (trx) => {
    const written = await updateJourneyRow(trx, id, existing.row.version, {
      status: move.to,
      updated_at: now,
      ...(action === 'stop' ? { stopped_at: now, entry_lease_owner: null, entry_lease_expires_at: null } : {}),
    });
    if (!written) return undefined;
    if (action === 'stop') {
      await stopInstances(trx, id, now);
      await replaceUsages(trx, id, existing.definition.name, { webhookIds: [], audienceIds: [] });
    }
    const journey = toJourney((await findJourney(trx, principal.workspaceId, id))!);
    await auditJourney(trx, principal, { action, id, before: toJourney(existing), after: journey, at: now });
    return journey;
  });
  if (!changed) throw errors.concurrentModification('journey');
  raiseSignal(ctx.store, 'journeys');
  return changed;
}
