import type { Kysely } from 'kysely';
import { errors, type FieldError } from '../../errors.js';
import type { Database } from '../../store/schema.js';
import { existingMemberIds } from '../members/store.js';
import type { GroupInput } from './schemas.js';
import { findGroupIdByName } from './store.js';

/** Checks every member exists (400 naming each unknown one) and the name is free (409), apart from group `self`. */
export async function checkGroup(db: Kysely<Database>, workspaceId: string, input: GroupInput, self?: string): Promise<void> {
  const members = await existingMemberIds(db, workspaceId, input.memberIds);
  const problems: FieldError[] = [];
  input.memberIds.forEach((id, i) => {
    if (!members.has(id)) problems.push({ path: `memberIds[${i}]`, message: `member "${id}" does not exist` });
  });
  if (problems.length > 0) throw errors.validation(problems);
  const holder = await findGroupIdByName(db, workspaceId, input.name);
  if (holder !== undefined && holder !== self) throw errors.alreadyExists('member group', 'name', input.name);
}

/** What the audit log keeps of a group. */
export function groupSnapshot(group: { id: string; name: string; memberIds: readonly string[] }) {
  return { id: group.id, name: group.name, memberIds: [...group.memberIds] };
}
