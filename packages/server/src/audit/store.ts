import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Store } from '../store/database.js';
import type { AuditLogRow, Database } from '../store/schema.js';

/** Appends one entry to the audit log (in the caller's transaction when `db` is one). */
export async function insertAuditEntry(db: Kysely<Database>, row: Insertable<AuditLogRow>): Promise<void> {
  await db.insertInto('audit_log').values(row).execute();
}

/** The member's current name, or undefined when there is no such member. */
export async function findMemberName(db: Kysely<Database>, memberId: string): Promise<string | undefined> {
  const row = await db.selectFrom('members').select('name').where('id', '=', memberId).executeTakeFirst();
  return row?.name;
}

/** Audit log filters, times in epoch ms (both ends inclusive), and a 1-based page. */
export interface AuditLogFilter {
  resourceType?: string | undefined;
  resourceId?: string | undefined;
  actorId?: string | undefined;
  action?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  page: number;
  pageSize: number;
}

/** A page of the workspace's audit log, newest first (insertion order within one millisecond). */
export async function listAuditRows(store: Store, workspaceId: string, filter: AuditLogFilter): Promise<{ rows: Selectable<AuditLogRow>[]; total: number }> {
  let query = store.db.selectFrom('audit_log').where('workspace_id', '=', workspaceId);
  if (filter.resourceType !== undefined) query = query.where('resource_type', '=', filter.resourceType);
  if (filter.resourceId !== undefined) query = query.where('resource_id', '=', filter.resourceId);
  if (filter.actorId !== undefined) query = query.where('actor_id', '=', filter.actorId);
  if (filter.action !== undefined) query = query.where('action', '=', filter.action);
  if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('at', '<=', filter.to);
  const [countRow, rows] = await Promise.all([
    query.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow(),
    query
      .selectAll()
      .orderBy('at', 'desc')
      .orderBy('seq', 'desc')
      .limit(filter.pageSize)
      .offset((filter.page - 1) * filter.pageSize)
      .execute(),
  ]);
  return { rows, total: Number(countRow.count) };
}
