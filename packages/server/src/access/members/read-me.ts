import type { AppContext } from '../../context.js';
import { PERMISSION_NAMES, parsePermissions } from '../permissions.js';
import type { Principal } from '../principal.js';
import { rolePermissionsOf } from '../store.js';
import { readMember } from './read-member.js';
import type { Me } from './schemas.js';

/** The caller with their roles, groups and effective permissions (an administrator holds them all). */
export async function readMe(ctx: AppContext, principal: Principal): Promise<Me> {
  const member = await readMember(ctx.store.db, principal.workspaceId, principal.memberId);
  const held = new Set((await rolePermissionsOf(ctx.store.db, principal.memberId)).flatMap(parsePermissions));
  const permissions = member.admin ? [...PERMISSION_NAMES] : PERMISSION_NAMES.filter((p) => held.has(p));
  return { id: member.id, name: member.name, email: member.email, admin: member.admin, roles: member.roles, groups: member.groups, permissions };
}
