import { sql, type Kysely, type Transaction } from 'kysely';
import type { Store } from '../store/database.js';
import { nameContains } from '../store/queries.js';
import type { Dialect } from '../store/dialect.js';
import type { Database, ParameterRow } from '../store/schema.js';
import { toGraph, type ReferenceGraph } from './association-graph.js';
import type { ConstantSettings, InterfaceSettings, ParameterKind, ParameterUser, StoredParameter } from './model.js';
import type { ReferencedParameter } from './validate-parameter.js';

type Db = Kysely<Database> | Transaction<Database>;

/** What a save writes, besides identity and timestamps. */
export interface ParameterWrite {
  name: string;
  kind: ParameterKind;
  description: string;
  settings: ConstantSettings | InterfaceSettings;
  keySealed: string | null;
  /** Ids the parameter is associated with, for `parameter_references`. */
  references: string[];
}

function toStored(row: ParameterRow): StoredParameter {
  const common = {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    description: row.description,
    keySealed: row.key_sealed,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  return row.kind === 'constant'
    ? { ...common, kind: 'constant', settings: JSON.parse(row.settings) as ConstantSettings }
    : { ...common, kind: 'interface', settings: JSON.parse(row.settings) as InterfaceSettings };
}

/**
 * Serialises parameter saves and deletes of a workspace on PostgreSQL, so two concurrent edits can
 * neither close an association cycle nor reference a parameter being deleted. SQLite transactions
 * already run one at a time.
 */
export async function lockWorkspace(trx: Transaction<Database>, dialect: Dialect, workspaceId: string): Promise<void> {
  if (dialect === 'postgres') await trx.selectFrom('workspaces').select('id').where('id', '=', workspaceId).forUpdate().execute();
}

/** One parameter of the workspace, or undefined. */
export async function findParameter(db: Db, workspaceId: string, id: string): Promise<StoredParameter | undefined> {
  const row = await db.selectFrom('parameters').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return row && toStored(row);
}

/** The parameters among `ids` that exist in the workspace, with what the association rules need. */
export async function findReferenced(db: Db, workspaceId: string, ids: readonly string[]): Promise<Map<string, ReferencedParameter>> {
  const result = new Map<string, ReferencedParameter>();
  if (ids.length === 0) return result;
  const rows = await db.selectFrom('parameters').selectAll().where('workspace_id', '=', workspaceId).where('id', 'in', [...new Set(ids)]).execute();
  for (const row of rows) {
    const stored = toStored(row);
    const valueNames = stored.kind === 'constant' ? stored.settings.values.map((v) => v.name) : [];
    result.set(row.id, { name: row.name, kind: stored.kind, valueNames });
  }
  return result;
}

/** Constant-based parameters associated with `id`, with the parent values their values name. */
export async function findDependentConstants(db: Db, workspaceId: string, id: string): Promise<{ name: string; parentValues: string[] }[]> {
  const rows = await db
    .selectFrom('parameter_references')
    .innerJoin('parameters', 'parameters.id', 'parameter_references.parameter_id')
    .selectAll('parameters')
    .where('parameter_references.referenced_id', '=', id)
    .where('parameters.workspace_id', '=', workspaceId)
    .where('parameters.kind', '=', 'constant')
    .execute();
  return rows.map((row) => {
    const settings = JSON.parse(row.settings) as ConstantSettings;
    return { name: row.name, parentValues: settings.values.flatMap((v) => (v.parentValue === undefined ? [] : [v.parentValue])) };
  });
}

/** Every association of the workspace, with the names of the parameters that hold one. */
export async function referenceGraph(db: Db, workspaceId: string): Promise<{ graph: ReferenceGraph; names: Map<string, string> }> {
  const rows = await db
    .selectFrom('parameter_references')
    .innerJoin('parameters', 'parameters.id', 'parameter_references.parameter_id')
    .select(['parameter_references.parameter_id', 'parameter_references.referenced_id', 'parameters.name'])
    .where('parameters.workspace_id', '=', workspaceId)
    .execute();
  return { graph: toGraph(rows), names: new Map(rows.map((r) => [r.parameter_id, r.name])) };
}

/** Inserts a new parameter and its references. */
export async function insertParameter(trx: Transaction<Database>, row: { id: string; workspaceId: string; now: number }, write: ParameterWrite): Promise<void> {
  await trx
    .insertInto('parameters')
    .values({
      id: row.id,
      workspace_id: row.workspaceId,
      name: write.name,
      kind: write.kind,
      description: write.description,
      settings: JSON.stringify(write.settings),
      key_sealed: write.keySealed,
      version: 1,
      created_at: row.now,
      updated_at: row.now,
    })
    .execute();
  await insertReferences(trx, row.id, write.references);
}

/** Updates a parameter if it still has `version`, and replaces its references; false when another write came first. */
export async function updateParameter(
  trx: Transaction<Database>,
  at: { id: string; workspaceId: string; version: number; now: number },
  write: ParameterWrite,
): Promise<boolean> {
  const result = await trx
    .updateTable('parameters')
    .set({
      name: write.name,
      description: write.description,
      settings: JSON.stringify(write.settings),
      key_sealed: write.keySealed,
      version: at.version + 1,
      updated_at: at.now,
    })
    .where('id', '=', at.id)
    .where('workspace_id', '=', at.workspaceId)
    .where('version', '=', at.version)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  await trx.deleteFrom('parameter_references').where('parameter_id', '=', at.id).execute();
  await insertReferences(trx, at.id, write.references);
  return true;
}

async function insertReferences(trx: Transaction<Database>, id: string, references: readonly string[]): Promise<void> {
  const unique = [...new Set(references)];
  if (unique.length > 0) {
    await trx.insertInto('parameter_references').values(unique.map((referenced_id) => ({ parameter_id: id, referenced_id }))).execute();
  }
}

/** Deletes a parameter (its own references go with it). */
export async function deleteParameterRow(trx: Transaction<Database>, workspaceId: string, id: string): Promise<void> {
  await trx.deleteFrom('parameter_references').where('parameter_id', '=', id).execute();
  await trx.deleteFrom('parameters').where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}

/** Every webhook (through its webhook parameters) and every parameter (through associations) that uses `id`. */
export async function findUsers(db: Db, workspaceId: string, id: string): Promise<ParameterUser[]> {
  const rows = await db
    .selectFrom('webhook_parameters')
    .innerJoin('webhooks', 'webhooks.id', 'webhook_parameters.webhook_id')
    .select([sql<string>`'webhook'`.as('kind'), 'webhooks.id as id', 'webhooks.name as name'])
    .where('webhook_parameters.parameter_id', '=', id)
    .where('webhooks.workspace_id', '=', workspaceId)
    .union(
      db
        .selectFrom('parameter_references')
        .innerJoin('parameters', 'parameters.id', 'parameter_references.parameter_id')
        .select([sql<string>`'parameter'`.as('kind'), 'parameters.id as id', 'parameters.name as name'])
        .where('parameter_references.referenced_id', '=', id)
        .where('parameters.workspace_id', '=', workspaceId),
    )
    .execute();
  return rows
    .map((r) => ({ kind: r.kind as ParameterUser['kind'], id: r.id, name: r.name }))
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/** A page of the workspace's parameters, newest first, with the total matching count. */
export async function listParameterRows(
  store: Store,
  workspaceId: string,
  filter: { search?: string; kind?: ParameterKind; page: number; pageSize: number },
): Promise<{ items: StoredParameter[]; total: number }> {
  let base = store.db.selectFrom('parameters').where('workspace_id', '=', workspaceId);
  if (filter.kind) base = base.where('kind', '=', filter.kind);
  if (filter.search) {
    base = base.where(nameContains(filter.search));
  }
  const [rows, count] = await Promise.all([
    base
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.pageSize)
      .offset((filter.page - 1) * filter.pageSize)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toStored), total: Number(count.total) };
}

