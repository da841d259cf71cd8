import type { Kysely } from 'kysely';
import { errors, type FieldError } from '../../errors.js';
import type { Database } from '../../store/schema.js';
import { existingRoleIds } from '../roles/store.js';
import type { MemberInput } from './schemas.js';
import { findMemberIdByEmail } from './store.js';

/** A member's settings as stored: email lower-cased, so uniqueness ignores case. */
export interface MemberDraft {
  name: string;
  email: string;
  admin: boolean;
  roleIds: string[];
}

/** Checks the roles exist (400, every unknown one) and the email is free (409), apart from member `self`. */
export async function checkMember(db: Kysely<Database>, workspaceId: string, input: MemberInput, self?: string): Promise<MemberDraft> {
  const draft: MemberDraft = { name: input.name, email: input.email.trim().toLowerCase(), admin: input.admin ?? false, roleIds: input.roleIds ?? [] };
  const roles = await existingRoleIds(db, workspaceId, draft.roleIds);
  const problems: FieldError[] = [];
  draft.roleIds.forEach((id, i) => {
    if (!roles.has(id)) problems.push({ path: `roleIds[${i}]`, message: `role "${id}" does not exist` });
  });
  if (problems.length > 0) throw errors.validation(problems);
  const holder = await findMemberIdByEmail(db, workspaceId, draft.email);
  if (holder !== undefined && holder !== self) throw errors.alreadyExists('member', 'email', draft.email);
  return draft;
}
