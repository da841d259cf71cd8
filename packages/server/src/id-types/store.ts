import type { Store } from '../store/database.js';

export interface IdType {
  code: string;
  displayName: string;
  enabled: boolean;
  priority: number;
}

/** Every ID type of a workspace, in priority order. */
export async function listIdTypes(store: Store, workspaceId: string): Promise<IdType[]> {
  const rows = await store.db.selectFrom('id_types').selectAll().where('workspace_id', '=', workspaceId).orderBy('priority').execute();
  return rows.map((r) => ({ code: r.code, displayName: r.display_name, enabled: r.enabled === 1, priority: r.priority }));
}

/** Sets whether an ID type may be chosen; returns the updated type, or undefined when the code is unknown. */
export async function setIdTypeEnabled(store: Store, workspaceId: string, code: string, enabled: boolean): Promise<IdType | undefined> {
  const row = await store.db
    .updateTable('id_types')
    .set({ enabled: enabled ? 1 : 0 })
    .where('workspace_id', '=', workspaceId)
    .where('code', '=', code)
    .returningAll()
    .executeTakeFirst();
  return row && { code: row.code, displayName: row.display_name, enabled: row.enabled === 1, priority: row.priority };
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
