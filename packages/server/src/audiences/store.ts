import type { Insertable, Kysely, Selectable } from 'kysely';
import { nameContains } from '../store/queries.js';
import { parseStrings } from './users-page.js';
import type { AudienceRow, Database } from '../store/schema.js';

/** One user of an audience as tasks and journeys read it. */
export interface AudienceUser {
  customerId: string;
  /** ID type code -> id, e.g. {"OPEN_ID":"o1","MOBILE":"138..."}; may be empty. */
  ids: Record<string, string>;
  /** Attribute name -> value, filling `${attribute}` variables. */
  attributes: Record<string, string>;
}

/** An audience row as features read it. */
export interface AudienceRecord {
  id: string;
  workspaceId: string;
  name: string;
  description: string;
  createdBy: string;
  userCount: number;
  createdAt: number;
  updatedAt: number;
}

/** The audience `id` of the workspace, or undefined. */
export async function findAudience(db: Kysely<Database>, workspaceId: string, id: string): Promise<AudienceRecord | undefined> {
  const row = await db.selectFrom('audiences').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return row && toRecord(row);
}

/**
 * Up to `limit` users of an audience after `afterCustomerId` (null: from the start), in customer_id
 * order: keyset paging, so reading a million users stays as fast at the end as at the start.
 */
export async function readAudienceUsersPage(db: Kysely<Database>, audienceId: string, afterCustomerId: string | null, limit: number): Promise<AudienceUser[]> {
  const rows = await readAudienceJsonPage(db, audienceId, afterCustomerId, limit);
  return rows.map((r) => ({ customerId: r.customerId, ids: parseStrings(r.ids), attributes: parseStrings(r.attributes) }));
}

/** As readAudienceUsersPage, with ids and attributes as stored: JSON objects of strings, for a reader that keeps them as they are. */
export async function readAudienceJsonPage(
  db: Kysely<Database>,
  audienceId: string,
  afterCustomerId: string | null,
  limit: number,
): Promise<{ customerId: string; ids: string; attributes: string }[]> {
  let query = db.selectFrom('audience_users').select(['customer_id', 'ids', 'attributes']).where('audience_id', '=', audienceId);
  if (afterCustomerId !== null) query = query.where('customer_id', '>', afterCustomerId);
  const rows = await query.orderBy('customer_id').limit(limit).execute();
  return rows.map((r) => ({ customerId: r.customer_id, ids: r.ids, attributes: r.attributes }));
}

/** The tasks and journeys that use an audience (rows of `audience_usages`, written by those features), tasks first, by name. */
export async function audienceUsages(db: Kysely<Database>, audienceId: string): Promise<{ kind: 'task' | 'journey'; id: string; name: string }[]> {
  const rows = await db
    .selectFrom('audience_usages')
    .selectAll()
    .where('audience_id', '=', audienceId)
    .orderBy('owner_kind', 'desc')
    .orderBy('owner_name')
    .orderBy('owner_id')
    .execute();
  return rows.map((r) => ({ kind: r.owner_kind as 'task' | 'journey', id: r.owner_id, name: r.owner_name }));
}

/** Inserts an audience (call inside the creating transaction; a taken name is a unique violation). */
export async function insertAudience(db: Kysely<Database>, row: Insertable<AudienceRow>): Promise<AudienceRecord> {
  const inserted = await db.insertInto('audiences').values(row).returningAll().executeTakeFirstOrThrow();
  return toRecord(inserted);
}

/** A page of the workspace's audiences, newest first, optionally those whose name contains `search`. */
export async function listAudiences(
  db: Kysely<Database>,
  workspaceId: string,
  filter: { search?: string | undefined; page: number; pageSize: number },
): Promise<{ items: AudienceRecord[]; total: number }> {
  let query = db.selectFrom('audiences').where('workspace_id', '=', workspaceId);
  if (filter.search) query = query.where(nameContains(filter.search));
  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await query
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize)
    .execute();
  return { items: rows.map(toRecord), total: Number(total) };
}

/** Deletes an audience (its users cascade) only if nothing uses it, in one statement so a usage added since the caller's check cannot slip through. */
export async function deleteUnusedAudience(db: Kysely<Database>, workspaceId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('audiences')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('audience_usages').select('owner_id').whereRef('audience_usages.audience_id', '=', 'audiences.id'))))
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** How many users the audience holds, counted. */
export async function countAudienceUsers(db: Kysely<Database>, audienceId: string): Promise<number> {
  const { count } = await db
    .selectFrom('audience_users')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('audience_id', '=', audienceId)
    .executeTakeFirstOrThrow();
  return Number(count);
}

/** Stores the audience's size after an import; returns the updated audience, or undefined when it is gone. */
export async function setUserCount(db: Kysely<Database>, audienceId: string, userCount: number, now: number): Promise<AudienceRecord | undefined> {
  const row = await db.updateTable('audiences').set({ user_count: userCount, updated_at: now }).where('id', '=', audienceId).returningAll().executeTakeFirst();
  return row && toRecord(row);
}

function toRecord(row: Selectable<AudienceRow>): AudienceRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    description: row.description,
    createdBy: row.created_by,
    userCount: row.user_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
