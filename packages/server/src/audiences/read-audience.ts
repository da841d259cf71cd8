import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { toAudienceView } from './audience-view.js';
import type { Audience } from './schemas.js';
import { findAudience } from './store.js';

/** One audience of the caller's workspace with its size, or 404. */
export async function readAudience(ctx: AppContext, principal: Principal, id: string): Promise<Audience> {
  const record = await findAudience(ctx.store.db, principal.workspaceId, id);
  if (!record) throw errors.notFound('Audience', id);
  return toAudienceView(record);
}
