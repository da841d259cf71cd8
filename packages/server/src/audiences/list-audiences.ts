import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { toAudienceView } from './audience-view.js';
import type { Audience, AudienceListQuery } from './schemas.js';
import { listAudiences } from './store.js';

/** A page of the workspace's audiences, newest first, filtered by name. */
export async function listAudiencePage(
  ctx: AppContext,
  principal: Principal,
  query: AudienceListQuery,
): Promise<{ items: Audience[]; total: number; page: number; pageSize: number }> {
  const { page = 1, pageSize = 20, search } = query;
  const { items, total } = await listAudiences(ctx.store.db, principal.workspaceId, { search, page, pageSize });
  return { items: items.map(toAudienceView), total, page, pageSize };
}
