import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { newId } from '../shared/ids.js';
import { isUniqueViolation } from '../store/queries.js';
import { toAudienceView } from './audience-view.js';
import { auditAudience } from './audit-audience.js';
import type { Audience, AudienceInput } from './schemas.js';
import { insertAudience } from './store.js';

/** Creates an empty audience; its name is unique in the workspace. */
export async function createAudience(ctx: AppContext, principal: Principal, input: AudienceInput): Promise<Audience> {
  const now = ctx.clock.now();
  const id = newId('aud', now);
  try {
    return await ctx.store.db.transaction().execute(async (trx) => {
      const audience = toAudienceView(
        await insertAudience(trx, {
          id,
          workspace_id: principal.workspaceId,
          name: input.name,
          description: input.description ?? '',
          created_by: principal.memberId,
          user_count: 0,
          created_at: now,
          updated_at: now,
        }),
      );
      await auditAudience(trx, principal, { action: 'create', id, before: null, after: audience, at: now });
      return audience;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw errors.alreadyExists('audience', 'name', input.name);
    throw error;
  }
}
