import type { AppContext } from '../../context.js';
import { errors } from '../../errors.js';
import { newId } from '../../shared/ids.js';
import { auditChange } from '../audit.js';
import type { Principal } from '../principal.js';
import { refusingDuplicates } from '../unique-name.js';
import { readRole, roleSnapshot } from './read-role.js';
import type { Role, RoleInput } from './schemas.js';
import { findRoleIdByName, insertRole } from './store.js';

/** Creates a role; its name is unique in the workspace (409). */
export async function createRole(ctx: AppContext, principal: Principal, input: RoleInput): Promise<Role> {
  const now = ctx.clock.now();
  const id = newId('role', now);
  await refusingDuplicates('role', 'name', input.name, () =>
    ctx.store.db.transaction().execute(async (trx) => {
      if (await findRoleIdByName(trx, principal.workspaceId, input.name)) throw errors.alreadyExists('role', 'name', input.name);
      await insertRole(trx, { id, workspace_id: principal.workspaceId, name: input.name, permissions: JSON.stringify(input.permissions), created_at: now, updated_at: now });
      await auditChange(trx, principal, now, 'role.create', 'role', id, null, roleSnapshot({ id, ...input }));
    }),
  );
  return readRole(ctx.store.db, principal.workspaceId, id);
}
