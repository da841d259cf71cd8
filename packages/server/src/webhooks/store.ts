import type { Kysely } from 'kysely';
import type { Store } from '../store/database.js';
import { nameContains } from '../store/queries.js';
import type { Database, ReceiptStatusRow, WebhookParameterRow, WebhookRow } from '../store/schema.js';
import type {
  AuthMethod,
  LatestTest,
  ParameterType,
  ReceiptStatus,
  Webhook,
  WebhookDraft,
  WebhookParameter,
  WebhookRecord,
  WebhookUsage,
} from './model.js';

/**
 * What the test-send feature writes into `webhooks.latest_test` (JSON): `at` is epoch milliseconds,
 * like every stored time; reads turn it into an ISO string.
 */
export interface StoredLatestTest {
  ok: boolean;
  at: number;
  idType: string;
  targetId: string;
  httpStatus?: number;
  code?: string;
  message?: string;
}

/** A managed parameter (Webhook Parameter Management) as webhooks need it. */
export interface ManagedParameter {
  id: string;
  kind: string;
  /** The parsed `settings` JSON, or undefined when it is not JSON. */
  settings: unknown;
}

/** The columns of a webhook row that an edit replaces. */
export type WebhookSettingsRow = Pick<
  WebhookRow,
  | 'name'
  | 'auth_method'
  | 'key_sealed'
  | 'url'
  | 'id_types'
  | 'pass_environment'
  | 'receipt_enabled'
  | 'receipt_retention_hours'
  | 'timeout_ms'
  | 'max_concurrency'
  | 'max_per_second'
>;

const iso = (ms: number): string => new Date(ms).toISOString();

/** Maps the `latest_test` JSON column to its read shape; anything unreadable reads as null. */
export function toLatestTest(json: string | null): LatestTest | null {
  if (json === null) return null;
  let raw: Partial<StoredLatestTest>;
  try {
    raw = JSON.parse(json) as Partial<StoredLatestTest>;
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null || typeof raw.ok !== 'boolean' || typeof raw.at !== 'number' || !Number.isFinite(raw.at)) return null;
  const test: LatestTest = { ok: raw.ok, at: iso(raw.at), idType: String(raw.idType ?? ''), targetId: String(raw.targetId ?? '') };
  if (typeof raw.httpStatus === 'number') test.httpStatus = raw.httpStatus;
  if (typeof raw.code === 'string') test.code = raw.code;
  if (typeof raw.message === 'string') test.message = raw.message;
  return test;
}

function toParameter(row: WebhookParameterRow): WebhookParameter {
  const parameter: WebhookParameter = { name: row.name, displayName: row.display_name, type: row.type as ParameterType, required: row.required === 1 };
  if (row.parameter_id !== null) parameter.parameterId = row.parameter_id;
  return parameter;
}

function toRecord(row: WebhookRow, parameters: WebhookParameterRow[], statuses: ReceiptStatusRow[]): WebhookRecord {
  const webhook: Webhook = {
    id: row.id,
    name: row.name,
    authMethod: row.auth_method as AuthMethod,
    url: row.url,
    idTypes: JSON.parse(row.id_types) as string[],
    parameters: parameters.map(toParameter),
    passEnvironment: row.pass_environment === 1,
    receipt: {
      enabled: row.receipt_enabled === 1,
      retentionHours: row.receipt_retention_hours,
      statuses: statuses.map((s) => ({ code: s.code, value: s.value })),
    },
    delivery: { timeoutMs: row.timeout_ms, maxConcurrency: row.max_concurrency, maxPerSecond: row.max_per_second },
    enabled: row.enabled === 1,
    latestTest: toLatestTest(row.latest_test),
    keySet: row.key_sealed !== null,
    version: row.version,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
  return { webhook, keySealed: row.key_sealed };
}

/** Loads the parameters and statuses of many webhooks with one query each, grouped by webhook. */
async function loadChildren(db: Kysely<Database>, ids: string[]) {
  const parameters = new Map<string, WebhookParameterRow[]>();
  const statuses = new Map<string, ReceiptStatusRow[]>();
  if (ids.length === 0) return { parameters, statuses };
  const [parameterRows, statusRows] = await Promise.all([
    db.selectFrom('webhook_parameters').selectAll().where('webhook_id', 'in', ids).orderBy('webhook_id').orderBy('position').execute(),
    db.selectFrom('receipt_statuses').selectAll().where('webhook_id', 'in', ids).orderBy('webhook_id').orderBy('position').execute(),
  ]);
  for (const r of parameterRows) parameters.set(r.webhook_id, [...(parameters.get(r.webhook_id) ?? []), r]);
  for (const r of statusRows) statuses.set(r.webhook_id, [...(statuses.get(r.webhook_id) ?? []), r]);
  return { parameters, statuses };
}

/** One webhook of the workspace with its sealed key, or undefined. */
export async function findWebhook(db: Kysely<Database>, workspaceId: string, id: string): Promise<WebhookRecord | undefined> {
  const row = await db.selectFrom('webhooks').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const children = await loadChildren(db, [row.id]);
  return toRecord(row, children.parameters.get(row.id) ?? [], children.statuses.get(row.id) ?? []);
}

/** List options: name search, enabled filter, 1-based page. */
export interface WebhookFilter {
  search?: string | undefined;
  enabled?: boolean | undefined;
  /** Only these webhooks (what a non-administrator may use); undefined means all. */
  ids?: readonly string[] | undefined;
  page: number;
  pageSize: number;
}

/** A page of the workspace's webhooks, newest first: four queries whatever the page size. */
export async function listWebhooks(store: Store, workspaceId: string, filter: WebhookFilter): Promise<{ items: Webhook[]; total: number }> {
  if (filter.ids !== undefined && filter.ids.length === 0) return { items: [], total: 0 };
  let query = store.db.selectFrom('webhooks').where('workspace_id', '=', workspaceId);
  if (filter.ids !== undefined) query = query.where('id', 'in', [...filter.ids]);
  if (filter.enabled !== undefined) query = query.where('enabled', '=', filter.enabled ? 1 : 0);
  const search = filter.search?.trim();
  if (search) {
    query = query.where(nameContains(search));
  }
  const [countRow, rows] = await Promise.all([
    query.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow(),
    query
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.pageSize)
      .offset((filter.page - 1) * filter.pageSize)
      .execute(),
  ]);
  const children = await loadChildren(store.db, rows.map((r) => r.id));
  const items = rows.map((r) => toRecord(r, children.parameters.get(r.id) ?? [], children.statuses.get(r.id) ?? []).webhook);
  return { items, total: Number(countRow.count) };
}

/** The row columns of a draft's settings; the key column is given already sealed (or null). */
export function settingsRow(draft: WebhookDraft, keySealed: string | null): WebhookSettingsRow {
  return {
    name: draft.name,
    auth_method: draft.authMethod,
    key_sealed: keySealed,
    url: draft.url,
    id_types: JSON.stringify(draft.idTypes),
    pass_environment: draft.passEnvironment ? 1 : 0,
    receipt_enabled: draft.receipt.enabled ? 1 : 0,
    receipt_retention_hours: draft.receipt.retentionHours,
    timeout_ms: draft.delivery.timeoutMs,
    max_concurrency: draft.delivery.maxConcurrency,
    max_per_second: draft.delivery.maxPerSecond,
  };
}

async function insertParameters(db: Kysely<Database>, webhookId: string, parameters: WebhookParameter[]): Promise<void> {
  if (parameters.length === 0) return;
  await db
    .insertInto('webhook_parameters')
    .values(parameters.map((p, position) => ({
      webhook_id: webhookId,
      position,
      name: p.name,
      display_name: p.displayName,
      type: p.type,
      parameter_id: p.parameterId ?? null,
      required: p.required ? 1 : 0,
    })))
    .execute();
}

/** Writes the statuses in order; a saved code only gets its new position (saved statuses are never rewritten). */
async function upsertStatuses(db: Kysely<Database>, webhookId: string, statuses: ReceiptStatus[]): Promise<void> {
  if (statuses.length === 0) return;
  await db
    .insertInto('receipt_statuses')
    .values(statuses.map((s, position) => ({ webhook_id: webhookId, code: s.code, value: s.value, position })))
    .onConflict((oc) => oc.columns(['webhook_id', 'code']).doUpdateSet({ position: (eb) => eb.ref('excluded.position') }))
    .execute();
}

/** Inserts a new webhook with its parameters and statuses (call inside a transaction). */
export async function insertWebhook(
  db: Kysely<Database>,
  row: WebhookRow,
  parameters: WebhookParameter[],
  statuses: ReceiptStatus[],
): Promise<void> {
  await db.insertInto('webhooks').values(row).execute();
  await insertParameters(db, row.id, parameters);
  await upsertStatuses(db, row.id, statuses);
}

/**
 * Replaces a webhook's settings if it is still at `expectedVersion` (call inside a transaction);
 * false when another write came first.
 */
export async function replaceWebhookSettings(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
  expectedVersion: number,
  settings: WebhookSettingsRow,
  parameters: WebhookParameter[],
  statuses: ReceiptStatus[],
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('webhooks')
    .set({ ...settings, version: expectedVersion + 1, updated_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  await db.deleteFrom('webhook_parameters').where('webhook_id', '=', id).execute();
  await insertParameters(db, id, parameters);
  await upsertStatuses(db, id, statuses);
  return true;
}

/**
 * Sets `enabled` if the webhook is still at `expectedVersion`, bumping the version (call inside a
 * transaction); false when another write came first.
 */
export async function setEnabled(db: Kysely<Database>, workspaceId: string, id: string, expectedVersion: number, enabled: boolean, now: number): Promise<boolean> {
  const result = await db
    .updateTable('webhooks')
    .set({ enabled: enabled ? 1 : 0, version: expectedVersion + 1, updated_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Deletes a webhook only if it is disabled, used by nothing and still at `expectedVersion`,
 * in one statement so a usage or change made since the caller's checks cannot slip through.
 */
export async function deleteUnusedDisabledWebhook(db: Kysely<Database>, workspaceId: string, id: string, expectedVersion: number): Promise<boolean> {
  const result = await db
    .deleteFrom('webhooks')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('enabled', '=', 0)
    .where('version', '=', expectedVersion)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('webhook_usages').select('owner_id').whereRef('webhook_usages.webhook_id', '=', 'webhooks.id'))))
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The tasks and journeys that use a webhook (rows written by those features), tasks first, by name. */
export async function listWebhookUsages(store: Store, webhookId: string): Promise<WebhookUsage[]> {
  const rows = await store.db
    .selectFrom('webhook_usages')
    .selectAll()
    .where('webhook_id', '=', webhookId)
    .orderBy('owner_kind', 'desc')
    .orderBy('owner_name')
    .orderBy('owner_id')
    .execute();
  return rows.map((r) => ({ kind: r.owner_kind as WebhookUsage['kind'], id: r.owner_id, name: r.owner_name }));
}

/** The managed parameters of the workspace among `ids`, by id. */
export async function findManagedParameters(store: Store, workspaceId: string, ids: readonly string[]): Promise<Map<string, ManagedParameter>> {
  const found = new Map<string, ManagedParameter>();
  if (ids.length === 0) return found;
  const rows = await store.db
    .selectFrom('parameters')
    .select(['id', 'kind', 'settings'])
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', [...new Set(ids)])
    .execute();
  for (const r of rows) {
    let settings: unknown;
    try {
      settings = JSON.parse(r.settings);
    } catch {
      settings = undefined;
    }
    found.set(r.id, { id: r.id, kind: r.kind, settings });
  }
  return found;
}
