import type { Kysely } from 'kysely';
import { errors } from '../../errors.js';
import type { Database } from '../../store/schema.js';
import type { Role } from './schemas.js';
import { findRole } from './store.js';

/** The role of the workspace, or 404. */
export async function readRole(db: Kysely<Database>, workspaceId: string, id: string): Promise<Role> {
  const role = await findRole(db, workspaceId, id);
  if (!role) throw errors.notFound('Role', id);
  return role;
}

/** What the audit log keeps of a role. */
export function roleSnapshot(role: { id: string; name: string; permissions: readonly string[] }): { id: string; name: string; permissions: string[] } {
  return { id: role.id, name: role.name, permissions: [...role.permissions] };
}
