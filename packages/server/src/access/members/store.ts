import type { Kysely } from 'kysely';
import { nameContains } from '../../store/queries.js';
import type { Database, MemberRow } from '../../store/schema.js';
import { ADMIN_MEMBER_ID } from '../bootstrap.js';
import type { Member } from './schemas.js';

type Ref = { id: string; name: string };
type StoredMember = Pick<MemberRow, 'id' | 'name' | 'email' | 'admin' | 'created_at' | 'updated_at'> & { enabled: number };

const iso = (ms: number) => new Date(ms).toISOString();

/** The roles and groups of many members, one query each, by member. */
async function loadRefs(db: Kysely<Database>, memberIds: string[]): Promise<{ roles: Map<string, Ref[]>; groups: Map<string, Ref[]> }> {
  const roles = new Map<string, Ref[]>();
  const groups = new Map<string, Ref[]>();
  if (memberIds.length === 0) return { roles, groups };
  const [roleRows, groupRows] = await Promise.all([
    db.selectFrom('member_roles').innerJoin('roles', 'roles.id', 'member_roles.role_id').select(['member_roles.member_id', 'roles.id', 'roles.name']).where('member_roles.member_id', 'in', memberIds).orderBy('roles.name').execute(),
    db
      .selectFrom('member_group_members')
      .innerJoin('member_groups', 'member_groups.id', 'member_group_members.group_id')
      .select(['member_group_members.member_id', 'member_groups.id', 'member_groups.name'])
      .where('member_group_members.member_id', 'in', memberIds)
      .orderBy('member_groups.name')
      .execute(),
  ]);
  for (const r of roleRows) roles.set(r.member_id, [...(roles.get(r.member_id) ?? []), { id: r.id, name: r.name }]);
  for (const r of groupRows) groups.set(r.member_id, [...(groups.get(r.member_id) ?? []), { id: r.id, name: r.name }]);
  return { roles, groups };
}

function toMember(row: StoredMember, roles: Ref[], groups: Ref[]): Member {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    admin: row.admin === 1,
    enabled: row.enabled === 1,
    builtIn: row.id === ADMIN_MEMBER_ID,
    roles,
    groups,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

const COLUMNS = ['id', 'name', 'email', 'admin', 'enabled', 'created_at', 'updated_at'] as const;

/** One member of the workspace that is not deleted, or undefined. */
export async function findMember(db: Kysely<Database>, workspaceId: string, id: string): Promise<Member | undefined> {
  const row = await db.selectFrom('members').select(COLUMNS).where('workspace_id', '=', workspaceId).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) return undefined;
  const refs = await loadRefs(db, [row.id]);
  return toMember(row, refs.roles.get(row.id) ?? [], refs.groups.get(row.id) ?? []);
}

/** List options of members. */
export interface MemberFilter {
  search?: string | undefined;
  enabled?: boolean | undefined;
  page: number;
  pageSize: number;
}

/** A page of the workspace's members by name; deleted members are not listed. */
export async function listMembers(db: Kysely<Database>, workspaceId: string, filter: MemberFilter): Promise<{ items: Member[]; total: number }> {
  let query = db.selectFrom('members').where('workspace_id', '=', workspaceId).where('deleted_at', 'is', null);
  if (filter.enabled !== undefined) query = query.where('enabled', '=', filter.enabled ? 1 : 0);
  const search = filter.search?.trim();
  if (search) query = query.where((eb) => eb.or([nameContains(search), nameContains(search, 'email')]));
  const [count, rows] = await Promise.all([
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    query.select(COLUMNS).orderBy('name').orderBy('id').limit(filter.pageSize).offset((filter.page - 1) * filter.pageSize).execute(),
  ]);
  const refs = await loadRefs(db, rows.map((r) => r.id));
  return { items: rows.map((r) => toMember(r, refs.roles.get(r.id) ?? [], refs.groups.get(r.id) ?? [])), total: Number(count.n) };
}

/** The id of the workspace's member (not deleted) with this email, or undefined. */
export async function findMemberIdByEmail(db: Kysely<Database>, workspaceId: string, email: string): Promise<string | undefined> {
  const row = await db.selectFrom('members').select('id').where('workspace_id', '=', workspaceId).where('email', '=', email).where('deleted_at', 'is', null).executeTakeFirst();
  return row?.id;
}

/** The ids among `ids` that are members (not deleted) of the workspace. */
export async function existingMemberIds(db: Kysely<Database>, workspaceId: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('members').select('id').where('workspace_id', '=', workspaceId).where('deleted_at', 'is', null).where('id', 'in', [...new Set(ids)]).execute();
  return new Set(rows.map((r) => r.id));
}

export async function insertMember(db: Kysely<Database>, row: Omit<MemberRow, 'enabled' | 'deleted_at'>): Promise<void> {
  await db.insertInto('members').values({ ...row, enabled: 1, deleted_at: null }).execute();
}

/** Replaces a member's name, email and administrator flag. */
export async function updateMember(db: Kysely<Database>, workspaceId: string, id: string, values: { name: string; email: string; admin: number }, now: number): Promise<void> {
  await db.updateTable('members').set({ ...values, updated_at: now }).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}

/** Replaces the roles a member holds. */
export async function replaceMemberRoles(db: Kysely<Database>, memberId: string, roleIds: readonly string[]): Promise<void> {
  await db.deleteFrom('member_roles').where('member_id', '=', memberId).execute();
  if (roleIds.length > 0) await db.insertInto('member_roles').values(roleIds.map((roleId) => ({ member_id: memberId, role_id: roleId }))).execute();
}

export async function setMemberEnabled(db: Kysely<Database>, workspaceId: string, id: string, enabled: boolean, now: number): Promise<void> {
  await db.updateTable('members').set({ enabled: enabled ? 1 : 0, updated_at: now }).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}

/** Marks a member deleted and drops their roles and group memberships (their tokens and grants are handled by the caller). */
export async function markMemberDeleted(db: Kysely<Database>, workspaceId: string, id: string, now: number): Promise<void> {
  await db.updateTable('members').set({ deleted_at: now, enabled: 0, updated_at: now }).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
  await db.deleteFrom('member_roles').where('member_id', '=', id).execute();
  await db.deleteFrom('member_group_members').where('member_id', '=', id).execute();
}
