import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { isForeignKeyViolation } from '../store/queries.js';
import { newId } from '../shared/ids.js';
import { auditParameter } from './audit-parameter.js';
import type { ParameterInput, ParameterView } from './model.js';
import { toView } from './parameter-view.js';
import { prepareParameter, referencedParameterVanished } from './prepare-parameter.js';
import { findParameter, insertParameter, lockWorkspace } from './store.js';

/** Creates a constant- or interface-based parameter after checking every rule. */
export async function createParameter(ctx: AppContext, principal: Principal, input: ParameterInput): Promise<ParameterView> {
  const now = ctx.clock.now();
  const id = newId('par', now);
  const at = { id, workspaceId: principal.workspaceId };
  try {
    return await ctx.store.db.transaction().execute(async (trx) => {
      await lockWorkspace(trx, ctx.store.dialect, principal.workspaceId);
      const write = await prepareParameter(ctx, trx, at, input);
      await insertParameter(trx, { ...at, now }, write);
      const created = toView((await findParameter(trx, principal.workspaceId, id))!);
      await auditParameter(trx, principal, { action: 'create', id, before: null, after: created, at: now });
      return created;
    });
  } catch (error) {
    throw isForeignKeyViolation(error) ? referencedParameterVanished() : error;
  }
}
