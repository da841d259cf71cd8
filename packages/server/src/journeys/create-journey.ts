import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { newId } from '../shared/ids.js';
import { auditJourney } from './audit-journey.js';
import { checkedDefinition, usesOf } from './check-journey.js';
import type { Journey } from './model.js';
import type { JourneyInput } from './schemas.js';
import { findJourney, insertJourney, replaceUsages, toJourney } from './store.js';

/** Creates a journey as a draft (version 1); nothing runs until it is published. */
export async function createJourney(ctx: AppContext, principal: Principal, input: JourneyInput): Promise<Journey> {
  const definition = await checkedDefinition(ctx, principal, input);
  const now = ctx.clock.now();
  const id = newId('jny', now);
  return ctx.store.db.transaction().execute(async (trx) => {
    await insertJourney(
      trx,
      {
        id, workspace_id: principal.workspaceId, name: definition.name, status: 'draft', latest_version: 1, published_version: null,
        entry_type: null, audience_id: null, entry_at: null, reentry: null, audience_cursor: null, audience_done: 0,
        entry_lease_owner: null, entry_lease_expires_at: null, created_by: principal.memberId, version: 1,
        created_at: now, updated_at: now, published_at: null, stopped_at: null,
      },
      definition,
    );
    await replaceUsages(trx, id, definition.name, usesOf(definition));
    const journey = toJourney((await findJourney(trx, principal.workspaceId, id))!);
    await auditJourney(trx, principal, { action: 'create', id, before: null, after: journey, at: now });
    return journey;
  });
}
