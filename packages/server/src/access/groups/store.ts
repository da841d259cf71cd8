import type { Kysely } from 'kysely';
import { nameContains } from '../../store/queries.js';
import type { Database, MemberGroupRow } from '../../store/schema.js';
import type { MemberGroup } from './schemas.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** The members (not deleted) of many groups, by group, by name. */
async function loadMembers(db: Kysely<Database>, groupIds: string[]): Promise<Map<string, { id: string; name: string }[]>> {
  const members = new Map<string, { id: string; name: string }[]>();
  if (groupIds.length === 0) return members;
  const rows = await db
    .selectFrom('member_group_members')
    .innerJoin('members', 'members.id', 'member_group_members.member_id')
    .select(['member_group_members.group_id', 'members.id', 'members.name'])
    .where('member_group_members.group_id', 'in', groupIds)
    .where('members.deleted_at', 'is', null)
    .orderBy('members.name')
    .orderBy('members.id')
    .execute();
  for (const r of rows) members.set(r.group_id, [...(members.get(r.group_id) ?? []), { id: r.id, name: r.name }]);
  return members;
}

function toGroup(row: MemberGroupRow, members: { id: string; name: string }[]): MemberGroup {
  return { id: row.id, name: row.name, members, createdAt: iso(row.created_at), updatedAt: iso(row.updated_at) };
}

/** One group of the workspace, or undefined. */
export async function findGroup(db: Kysely<Database>, workspaceId: string, id: string): Promise<MemberGroup | undefined> {
  const row = await db.selectFrom('member_groups').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return row && toGroup(row, (await loadMembers(db, [row.id])).get(row.id) ?? []);
}

export async function findGroupIdByName(db: Kysely<Database>, workspaceId: string, name: string): Promise<string | undefined> {
  const row = await db.selectFrom('member_groups').select('id').where('workspace_id', '=', workspaceId).where('name', '=', name).executeTakeFirst();
  return row?.id;
}

/** A page of the workspace's groups by name. */
export async function listGroups(db: Kysely<Database>, workspaceId: string, search: string | undefined, page: number, pageSize: number): Promise<{ items: MemberGroup[]; total: number }> {
  let query = db.selectFrom('member_groups').where('workspace_id', '=', workspaceId);
  if (search?.trim()) query = query.where(nameContains(search.trim()));
  const [count, rows] = await Promise.all([
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    query.selectAll().orderBy('name').orderBy('id').limit(pageSize).offset((page - 1) * pageSize).execute(),
  ]);
  const members = await loadMembers(db, rows.map((r) => r.id));
  return { items: rows.map((r) => toGroup(r, members.get(r.id) ?? [])), total: Number(count.n) };
}

export async function insertGroup(db: Kysely<Database>, row: MemberGroupRow): Promise<void> {
  await db.insertInto('member_groups').values(row).execute();
}

export async function renameGroup(db: Kysely<Database>, workspaceId: string, id: string, name: string, now: number): Promise<void> {
  await db.updateTable('member_groups').set({ name, updated_at: now }).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}

/** Replaces a group's members. */
export async function replaceGroupMembers(db: Kysely<Database>, groupId: string, memberIds: readonly string[]): Promise<void> {
  await db.deleteFrom('member_group_members').where('group_id', '=', groupId).execute();
  if (memberIds.length > 0) await db.insertInto('member_group_members').values(memberIds.map((memberId) => ({ group_id: groupId, member_id: memberId }))).execute();
}

export async function deleteGroup(db: Kysely<Database>, workspaceId: string, id: string): Promise<void> {
  await db.deleteFrom('member_groups').where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}
