import type { AppContext } from '../../context.js';
import { errors } from '../../errors.js';
import { auditChange } from '../audit.js';
import type { Principal } from '../principal.js';
import { refusingDuplicates } from '../unique-name.js';
import { readRole, roleSnapshot } from './read-role.js';
import type { Role, RoleInput } from './schemas.js';
import { findRoleIdByName, updateRole } from './store.js';

/** Replaces a role's name and permissions; its members gain or lose permissions on their next request. */
export async function editRole(ctx: AppContext, principal: Principal, id: string, input: RoleInput): Promise<Role> {
  const now = ctx.clock.now();
  await refusingDuplicates('role', 'name', input.name, () =>
    ctx.store.db.transaction().execute(async (trx) => {
      const before = await readRole(trx, principal.workspaceId, id);
      const holder = await findRoleIdByName(trx, principal.workspaceId, input.name);
      if (holder !== undefined && holder !== id) throw errors.alreadyExists('role', 'name', input.name);
      await updateRole(trx, principal.workspaceId, id, input.name, input.permissions, now);
      await auditChange(trx, principal, now, 'role.update', 'role', id, roleSnapshot(before), roleSnapshot({ id, ...input }));
    }),
  );
  return readRole(ctx.store.db, principal.workspaceId, id);
}
