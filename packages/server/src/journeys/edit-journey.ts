import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { ifMatchAllows } from '../http/etag.js';
import { auditJourney } from './audit-journey.js';
import { checkedDefinition, usesOf } from './check-journey.js';
import type { Journey } from './model.js';
import { readJourney } from './read-journey.js';
import type { JourneyInput } from './schemas.js';
import { allDefinitions, findJourney, replaceUsages, saveVersion, toJourney, updateJourneyRow } from './store.js';

/**
 * Edits a journey (full replacement). A published version is immutable: editing a journey whose
 * latest version is published makes a new draft version, which runs only once published; an
 * unpublished latest version is replaced in place. A stopped journey cannot be edited.
 */
export async function editJourney(ctx: AppContext, principal: Principal, id: string, input: JourneyInput, ifMatch: string | string[] | undefined): Promise<Journey> {
  const existing = await readJourney(ctx.store.db, principal.workspaceId, id);
  const row = existing.row;
  if (!ifMatchAllows(ifMatch, row.version)) throw errors.preconditionFailed('journey');
  if (row.status === 'stopped') throw errors.journeyState('stopped', 'edited');
  const definition = await checkedDefinition(ctx, principal, input);
  const now = ctx.clock.now();
  const isNew = row.published_version === row.latest_version;
  const version = isNew ? row.latest_version + 1 : row.latest_version;
  const updated = await ctx.store.db.transaction().execute(async (trx) => {
    if (!(await updateJourneyRow(trx, id, row.version, { name: definition.name, latest_version: version, updated_at: now }))) return undefined;
    await saveVersion(trx, id, version, definition, principal.memberId, now, isNew);
    const uses = (await allDefinitions(trx, id)).map((v) => usesOf(v.definition));
    await replaceUsages(trx, id, definition.name, { webhookIds: uses.flatMap((u) => u.webhookIds), audienceIds: uses.flatMap((u) => u.audienceIds) });
    const journey = toJourney((await findJourney(trx, principal.workspaceId, id))!);
    await auditJourney(trx, principal, { action: 'update', id, before: toJourney(existing), after: journey, at: now });
    return journey;
  });
  if (!updated) throw ifMatch !== undefined && ifMatch !== '*' ? errors.preconditionFailed('journey') : errors.concurrentModification('journey');
  return updated;
}
