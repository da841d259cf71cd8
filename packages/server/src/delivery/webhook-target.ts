import type { AppContext } from '../context.js';
import { keyContext } from '../webhooks/model.js';
import type { WebhookRow } from '../store/schema.js';

/** Everything needed to send to a webhook, with its key opened: never returned by the API or logged. */
export interface WebhookTarget {
  id: string;
  workspaceId: string;
  url: string;
  authMethod: 'none' | 'key';
  key: string | undefined;
  passEnvironment: boolean;
  timeoutMs: number;
  maxConcurrency: number;
  maxPerSecond: number;
  enabled: boolean;
  version: number;
}

/** The target of a stored webhook row, its key decrypted. */
export function toWebhookTarget(ctx: AppContext, row: WebhookRow): WebhookTarget {
  const authMethod = row.auth_method === 'key' ? 'key' : 'none';
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    url: row.url,
    authMethod,
    key: authMethod === 'key' && row.key_sealed ? ctx.secrets.open(row.key_sealed, keyContext(row.id)) : undefined,
    passEnvironment: row.pass_environment === 1,
    timeoutMs: row.timeout_ms,
    maxConcurrency: row.max_concurrency,
    maxPerSecond: row.max_per_second,
    enabled: row.enabled === 1,
    version: row.version,
  };
}

/** Loads the targets of several webhooks in one query. */
export async function loadWebhookTargets(ctx: AppContext, ids: readonly string[]): Promise<Map<string, WebhookTarget>> {
  const result = new Map<string, WebhookTarget>();
  if (ids.length === 0) return result;
  const rows = await ctx.store.db.selectFrom('webhooks').selectAll().where('id', 'in', [...ids]).execute();
  for (const row of rows) result.set(row.id, toWebhookTarget(ctx, row));
  return result;
}
