import type { Kysely } from 'kysely';
import type { Store } from '../store/database.js';
import type { Database, IdTypeRow } from '../store/schema.js';

export interface IdType {
  code: string;
  displayName: string;
  enabled: boolean;
  priority: number;
}

const toIdType = (r: IdTypeRow): IdType => ({ code: r.code, displayName: r.display_name, enabled: r.enabled === 1, priority: r.priority });

/** Every ID type of a workspace, in priority order. */
export async function listIdTypes(store: Store, workspaceId: string): Promise<IdType[]> {
  const rows = await store.db.selectFrom('id_types').selectAll().where('workspace_id', '=', workspaceId).orderBy('priority').execute();
  return rows.map(toIdType);
}

/** One ID type of a workspace, or undefined when the code is unknown. */
export async function findIdType(db: Kysely<Database>, workspaceId: string, code: string): Promise<IdType | undefined> {
  const row = await db.selectFrom('id_types').selectAll().where('workspace_id', '=', workspaceId).where('code', '=', code).executeTakeFirst();
  return row && toIdType(row);
}

/**
 * Switches an ID type to `enabled` if it is not so already (call inside a transaction); returns
 * the updated type, or undefined when nothing changed (unknown code, or already in that state).
 */
export async function switchIdType(db: Kysely<Database>, workspaceId: string, code: string, enabled: boolean): Promise<IdType | undefined> {
  const row = await db
    .updateTable('id_types')
    .set({ enabled: enabled ? 1 : 0 })
    .where('workspace_id', '=', workspaceId)
    .where('code', '=', code)
    .where('enabled', '=', enabled ? 0 : 1)
    .returningAll()
    .executeTakeFirst();
  return row && toIdType(row);
}

/** The codes among `codes` that are enabled ID types of the workspace. */
export async function enabledIdTypeCodes(store: Store, workspaceId: string, codes: readonly string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const rows = await store.db
    .selectFrom('id_types')
    .select('code')
    .where('workspace_id', '=', workspaceId)
    .where('code', 'in', [...codes])
    .where('enabled', '=', 1)
    .execute();
  return new Set(rows.map((r) => r.code));
}
