import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { isForeignKeyViolation } from '../store/queries.js';
import { errors } from '../errors.js';
import type { ParameterInput, ParameterView } from './model.js';
import { ifMatchAllows } from '../http/etag.js';
import { toView } from './parameter-view.js';
import { prepareParameter, referencedParameterVanished } from './prepare-parameter.js';
import { findParameter, lockWorkspace, updateParameter } from './store.js';

/** Replaces a parameter's settings (same body as create; the kind stays), honouring If-Match and the version read. */
export async function editParameter(ctx: AppContext, principal: Principal, id: string, input: ParameterInput, ifMatch: string | undefined): Promise<ParameterView> {
  const workspaceId = principal.workspaceId;
  try {
    const stored = await ctx.store.db.transaction().execute(async (trx) => {
      await lockWorkspace(trx, ctx.store.dialect, workspaceId);
      const current = await findParameter(trx, workspaceId, id);
      if (!current) throw errors.notFound('Parameter', id);
      if (!ifMatchAllows(ifMatch, current.version)) throw errors.preconditionFailed('parameter');
      const write = await prepareParameter(ctx, trx, { id, workspaceId }, input, current);
      const updated = await updateParameter(trx, { id, workspaceId, version: current.version, now: ctx.clock.now() }, write);
      if (!updated) throw errors.concurrentModification('parameter');
      return findParameter(trx, workspaceId, id);
    });
    return toView(stored!);
  } catch (error) {
    throw isForeignKeyViolation(error) ? referencedParameterVanished() : error;
  }
}
