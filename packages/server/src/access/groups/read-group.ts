import type { Kysely } from 'kysely';
import { errors } from '../../errors.js';
import type { Database } from '../../store/schema.js';
import type { MemberGroup } from './schemas.js';
import { findGroup } from './store.js';

/** The member group of the workspace, or 404. */
export async function readGroup(db: Kysely<Database>, workspaceId: string, id: string): Promise<MemberGroup> {
  const group = await findGroup(db, workspaceId, id);
  if (!group) throw errors.notFound('Member group', id);
  return group;
}
