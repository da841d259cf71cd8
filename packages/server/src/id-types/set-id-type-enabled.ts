import type { Principal } from '../access/principal.js';
import { recordAudit } from '../audit/record-audit.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { findIdType, switchIdType, type IdType } from './store.js';

/** Enables or disables an ID type; idempotent (no audit entry when it is already in that state). */
export async function setIdTypeEnabled(ctx: AppContext, principal: Principal, code: string, enabled: boolean): Promise<IdType> {
  return ctx.store.db.transaction().execute(async (trx) => {
    const after = await switchIdType(trx, principal.workspaceId, code, enabled);
    if (!after) {
      const current = await findIdType(trx, principal.workspaceId, code);
      if (!current) throw errors.notFound('ID type', code);
      return current;
    }
    // The update was guarded on the opposite state, and changes nothing else: that is the state before.
    await recordAudit(trx, {
      workspaceId: principal.workspaceId,
      actorId: principal.memberId,
      action: enabled ? 'enable' : 'disable',
      resourceType: 'id_type',
      resourceId: code,
      before: { ...after, enabled: !enabled },
      after,
      at: ctx.clock.now(),
    });
    return after;
  });
}
