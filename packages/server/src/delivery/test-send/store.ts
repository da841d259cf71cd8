import type { Store } from '../../store/database.js';
import type { TestSendRow } from '../../store/schema.js';
import type { StoredLatestTest } from '../../webhooks/store.js';
import type { TestSendResult } from './schemas.js';
import type { TestSendLog } from './test-send-log.js';

/** Tests kept per webhook: the newest ones; older ones are dropped when a new one is stored. */
export const KEPT_TESTS_PER_WEBHOOK = 50;

/** A stored test send as the API shows it. */
export function toResult(row: TestSendRow): TestSendResult {
  return {
    id: row.id,
    success: row.success === 1,
    httpStatus: row.http_status,
    code: row.code,
    message: row.message,
    latencyMs: row.latency_ms,
    error: row.error,
    idType: row.id_type,
    targetId: row.target_id,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** The `webhooks.latest_test` JSON of a test send. */
function latestTestOf(row: TestSendRow): StoredLatestTest {
  const latest: StoredLatestTest = { ok: row.success === 1, at: row.created_at, idType: row.id_type, targetId: row.target_id };
  if (row.http_status !== null) latest.httpStatus = row.http_status;
  if (row.code !== null) latest.code = row.code;
  if (row.message !== null) latest.message = row.message;
  return latest;
}

/**
 * Stores a test send, makes it the webhook's latest test and drops the webhook's oldest tests, in
 * one transaction. The webhook's version and updated time stay: a test is not a configuration change.
 */
export async function saveTestSend(store: Store, row: TestSendRow): Promise<void> {
  await store.db.transaction().execute(async (trx) => {
    await trx.insertInto('test_sends').values(row).execute();
    await trx
      .updateTable('webhooks')
      .set({ latest_test: JSON.stringify(latestTestOf(row)) })
      .where('workspace_id', '=', row.workspace_id)
      .where('id', '=', row.webhook_id)
      .execute();
    await trx
      .deleteFrom('test_sends')
      .where('webhook_id', '=', row.webhook_id)
      .where('id', 'not in', trx
        .selectFrom('test_sends')
        .select('id')
        .where('webhook_id', '=', row.webhook_id)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(KEPT_TESTS_PER_WEBHOOK))
      .execute();
  });
}

/** A page of a webhook's tests, newest first. */
export async function listTestSendRows(store: Store, workspaceId: string, webhookId: string, page: number, pageSize: number): Promise<{ items: TestSendResult[]; total: number }> {
  const base = store.db.selectFrom('test_sends').where('workspace_id', '=', workspaceId).where('webhook_id', '=', webhookId);
  const [count, rows] = await Promise.all([
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    base.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute(),
  ]);
  return { items: rows.map(toResult), total: Number(count.n) };
}

/** One test of a webhook, or undefined. */
export async function findTestSend(store: Store, workspaceId: string, webhookId: string, testId: string): Promise<TestSendResult | undefined> {
  const row = await store.db
    .selectFrom('test_sends')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('webhook_id', '=', webhookId)
    .where('id', '=', testId)
    .executeTakeFirst();
  return row && toResult(row);
}

/** The stored log of one test of a webhook, or undefined. */
export async function findTestSendLog(store: Store, workspaceId: string, webhookId: string, testId: string): Promise<TestSendLog | undefined> {
  const row = await store.db
    .selectFrom('test_sends')
    .select('log')
    .where('workspace_id', '=', workspaceId)
    .where('webhook_id', '=', webhookId)
    .where('id', '=', testId)
    .executeTakeFirst();
  return row && (JSON.parse(row.log) as TestSendLog);
}
