import type { Kysely } from 'kysely';
import { nameContains } from '../../store/queries.js';
import type { Database, RoleRow } from '../../store/schema.js';
import { parsePermissions } from '../permissions.js';
import type { Role } from './schemas.js';

const iso = (ms: number) => new Date(ms).toISOString();

function toRole(row: RoleRow, memberCount: number): Role {
  return { id: row.id, name: row.name, permissions: parsePermissions(row.permissions), memberCount, createdAt: iso(row.created_at), updatedAt: iso(row.updated_at) };
}

/** Members holding each of the roles. */
async function memberCounts(db: Kysely<Database>, roleIds: string[]): Promise<Map<string, number>> {
  if (roleIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('member_roles')
    .select(['role_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('role_id', 'in', roleIds)
    .groupBy('role_id')
    .execute();
  return new Map(rows.map((r) => [r.role_id, Number(r.n)]));
}

/** One role of the workspace, or undefined. */
export async function findRole(db: Kysely<Database>, workspaceId: string, id: string): Promise<Role | undefined> {
  const row = await db.selectFrom('roles').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return row && toRole(row, (await memberCounts(db, [row.id])).get(row.id) ?? 0);
}

/** The id of the workspace's role named `name` (exactly), or undefined. */
export async function findRoleIdByName(db: Kysely<Database>, workspaceId: string, name: string): Promise<string | undefined> {
  const row = await db.selectFrom('roles').select('id').where('workspace_id', '=', workspaceId).where('name', '=', name).executeTakeFirst();
  return row?.id;
}

/** A page of the workspace's roles by name. */
export async function listRoles(db: Kysely<Database>, workspaceId: string, search: string | undefined, page: number, pageSize: number): Promise<{ items: Role[]; total: number }> {
  let query = db.selectFrom('roles').where('workspace_id', '=', workspaceId);
  if (search?.trim()) query = query.where(nameContains(search.trim()));
  const [count, rows] = await Promise.all([
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    query.selectAll().orderBy('name').orderBy('id').limit(pageSize).offset((page - 1) * pageSize).execute(),
  ]);
  const counts = await memberCounts(db, rows.map((r) => r.id));
  return { items: rows.map((r) => toRole(r, counts.get(r.id) ?? 0)), total: Number(count.n) };
}

export async function insertRole(db: Kysely<Database>, row: RoleRow): Promise<void> {
  await db.insertInto('roles').values(row).execute();
}

/** Replaces a role's name and permissions. */
export async function updateRole(db: Kysely<Database>, workspaceId: string, id: string, name: string, permissions: string[], now: number): Promise<void> {
  await db.updateTable('roles').set({ name, permissions: JSON.stringify(permissions), updated_at: now }).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}

/** Deletes a role; its members lose it (the assignments cascade). */
export async function deleteRole(db: Kysely<Database>, workspaceId: string, id: string): Promise<void> {
  await db.deleteFrom('roles').where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}

/** The ids among `ids` that are roles of the workspace. */
export async function existingRoleIds(db: Kysely<Database>, workspaceId: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('roles').select('id').where('workspace_id', '=', workspaceId).where('id', 'in', [...new Set(ids)]).execute();
  return new Set(rows.map((r) => r.id));
}
