import type { Kysely } from 'kysely';
import { errors } from '../../errors.js';
import type { Database } from '../../store/schema.js';
import type { Member } from './schemas.js';
import { findMember } from './store.js';

/** The member of the workspace (not deleted), or 404. */
export async function readMember(db: Kysely<Database>, workspaceId: string, id: string): Promise<Member> {
  const member = await findMember(db, workspaceId, id);
  if (!member) throw errors.notFound('Member', id);
  return member;
}

/** What the audit log keeps of a member. */
export function memberSnapshot(member: Pick<Member, 'id' | 'name' | 'email' | 'admin' | 'enabled'> & { roles: { id: string }[] }) {
  return { id: member.id, name: member.name, email: member.email, admin: member.admin, enabled: member.enabled, roleIds: member.roles.map((r) => r.id) };
}
