import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { isForeignKeyViolation } from '../store/queries.js';
import { errors } from '../errors.js';
import { auditParameter } from './audit-parameter.js';
import { toView } from './parameter-view.js';
import { deleteParameterRow, findParameter, findUsers, lockWorkspace } from './store.js';

/** Deletes a parameter that no webhook and no other parameter uses; otherwise 409 listing every user. */
export async function deleteParameter(ctx: AppContext, principal: Principal, id: string): Promise<void> {
  const workspaceId = principal.workspaceId;
  try {
    await ctx.store.db.transaction().execute(async (trx) => {
      await lockWorkspace(trx, ctx.store.dialect, workspaceId);
      const current = await findParameter(trx, workspaceId, id);
      if (!current) throw errors.notFound('Parameter', id);
      const users = await findUsers(trx, workspaceId, id);
      if (users.length > 0) throw errors.parameterInUse(users);
      await deleteParameterRow(trx, workspaceId, id);
      await auditParameter(trx, principal, { action: 'delete', id, before: toView(current), after: null, at: ctx.clock.now() });
    });
  } catch (error) {
    // A webhook saved between the check and the delete still holds its foreign key: report it as in use.
    if (!isForeignKeyViolation(error)) throw error;
    throw errors.parameterInUse(await findUsers(ctx.store.db, workspaceId, id));
  }
}
