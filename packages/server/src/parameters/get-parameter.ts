import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import type { ParameterView } from './model.js';
import { toView } from './parameter-view.js';
import { findParameter, findUsers } from './store.js';

/** One parameter with the webhooks and parameters that use it. */
export async function getParameter(ctx: AppContext, principal: Principal, id: string): Promise<ParameterView> {
  const stored = await findParameter(ctx.store.db, principal.workspaceId, id);
  if (!stored) throw errors.notFound('Parameter', id);
  return toView(stored, await findUsers(ctx.store.db, principal.workspaceId, id));
}
