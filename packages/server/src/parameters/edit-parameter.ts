import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { isForeignKeyViolation } from '../store/queries.js';
import { errors } from '../errors.js';
import { auditParameter } from './audit-parameter.js';
import type { ParameterInput, ParameterView } from './model.js';
import { ifMatchAllows } from '../http/etag.js';
import { toView } from './parameter-view.js';
import { prepareParameter, referencedParameterVanished } from './prepare-parameter.js';
import { findParameter, lockWorkspace, updateParameter } from './store.js';

/** Replaces a parameter's settings (same body as create; the kind stays), honouring If-Match and the version read. */
export async function editParameter(ctx: AppContext, principal: Principal, id: string, input: ParameterInput, ifMatch: string | undefined): Promise<ParameterView> {
  const workspaceId = principal.workspaceId;
  try {
    return await ctx.store.db.transaction().execute(async (trx) => {
      await lockWorkspace(trx, ctx.store.dialect, workspaceId);
      const current = await findParameter(trx, workspaceId, id);
      if (!current) throw errors.notFound('Parameter', id);
      if (!ifMatchAllows(ifMatch, current.version)) throw errors.preconditionFailed('parameter');
      const write = await prepareParameter(ctx, trx, { id, workspaceId }, input, current);
      const now = ctx.clock.now();
      const updated = await updateParameter(trx, { id, workspaceId, version: current.version, now }, write);
      if (!updated) throw errors.concurrentModification('parameter');
      const after = toView((await findParameter(trx, workspaceId, id))!);
      await auditParameter(trx, principal, { action: 'update', id, before: toView(current), after, at: now });
      return after;
    });
  } catch (error) {
    throw isForeignKeyViolation(error) ? referencedParameterVanished() : error;
  }
}
