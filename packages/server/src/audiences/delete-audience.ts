import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { isForeignKeyViolation } from '../store/queries.js';
import { toAudienceView } from './audience-view.js';
import { auditAudience } from './audit-audience.js';
import { isImportRunning } from './import-audience-users.js';
import { audienceUsages, deleteUnusedAudience, findAudience } from './store.js';

/** Deletes an audience and its users, unless a task or journey uses it (409 AUDIENCE_IN_USE) or an import into it is running. */
export async function deleteAudience(ctx: AppContext, principal: Principal, id: string): Promise<void> {
  const record = await findAudience(ctx.store.db, principal.workspaceId, id);
  if (!record) throw errors.notFound('Audience', id);
  if (isImportRunning(id)) throw errors.importInProgress(id);
  const refuseIfUsed = async () => {
    const usages = await audienceUsages(ctx.store.db, id);
    if (usages.length > 0) throw errors.audienceInUse(usages);
  };
  await refuseIfUsed();
  let deleted: boolean;
  try {
    deleted = await ctx.store.db.transaction().execute(async (trx) => {
      if (!(await deleteUnusedAudience(trx, principal.workspaceId, id))) return false;
      await auditAudience(trx, principal, { action: 'delete', id, before: toAudienceView(record), after: null, at: ctx.clock.now() });
      return true;
    });
  } catch (error) {
    // A usage committed between the check and the delete.
    if (!isForeignKeyViolation(error)) throw error;
    deleted = false;
  }
  if (deleted) return;
  // Something changed since the read: explain with the current state.
  if (!(await findAudience(ctx.store.db, principal.workspaceId, id))) throw errors.notFound('Audience', id);
  await refuseIfUsed();
  throw errors.concurrentModification('audience');
}
