import { buildUserMessage, newNonce, requestHeaders, serializeBatch, signedUrl, unixSeconds } from '@hookreach/protocol';
import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { keyContext, type Webhook } from './model.js';
import { sampleParameterValue, sampleTargetId } from './preview-samples.js';
import { readWebhook } from './read-webhook.js';
import { findManagedParameters } from './store.js';

/** The exact request a receiver would get: `body` is `rawBody` parsed, `rawBody` the bytes sent. */
export interface WebhookPreview {
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  body: unknown;
  rawBody: string;
}

const CUSTOMER_ID = 'sample_customer_id';

/** What a preview is built from: a saved webhook's settings or a draft's, and the plaintext key, if any. */
export interface PreviewSource {
  id: string;
  settings: Pick<Webhook, 'url' | 'authMethod' | 'idTypes' | 'parameters' | 'passEnvironment'>;
  key: string | undefined;
}

/** Builds the POST a receiver would get now for one sample user of `idType` (default: the webhook's first ID type). */
export async function previewWebhook(ctx: AppContext, principal: Principal, id: string, idType: string | undefined): Promise<WebhookPreview> {
  const { webhook, keySealed } = await readWebhook(ctx.store, principal.workspaceId, id);
  const key = keySealed === null ? undefined : ctx.secrets.open(keySealed, keyContext(webhook.id));
  return buildPreview(ctx, principal, { id, settings: webhook, key }, idType);
}

/** The exact request for `source`'s settings, signed with its key. */
export async function buildPreview(ctx: AppContext, principal: Principal, source: PreviewSource, idType: string | undefined): Promise<WebhookPreview> {
  const webhook = { id: source.id, ...source.settings };
  const targetType = idType ?? webhook.idTypes[0] ?? '';
  if (!webhook.idTypes.includes(targetType)) {
    throw errors.validation([{ path: 'query.idType', message: `must be one of the webhook's ID types: ${webhook.idTypes.join(', ')}` }]);
  }
  const now = ctx.clock.now();
  const timestamp = unixSeconds(now);
  const nonce = newNonce();
  const managed = await findManagedParameters(ctx.store, principal.workspaceId, webhook.parameters.flatMap((p) => (p.parameterId ? [p.parameterId] : [])));
  const message = buildUserMessage({
    user_profile: { target_type: targetType, target_id: sampleTargetId(targetType), customer_id: CUSTOMER_ID },
    params: Object.fromEntries(webhook.parameters.map((p) => [p.name, sampleParameterValue(p, managed, now)])),
    callback_params: {
      webhook_id: webhook.id,
      send_time: now,
      nodeId: 'sample_node_id',
      instanceId: 'sample_instance_id',
      batchId: 'sample_batch_id',
      actionId: 'sample_action_id',
      customerId: CUSTOMER_ID,
    },
    process_info: {
      processInstanceId: 'sample_process_instance_id',
      processInstanceStartTime: timestamp,
      processNodeInstanceId: 'sample_process_node_instance_id',
      processNodeInstanceStartTime: timestamp,
      groupName: 'sample_node_id:Sample split:50.00,Group A',
    },
  });
  const rawBody = serializeBatch([message]);
  const headers = requestHeaders({
    authMethod: webhook.authMethod,
    ...(source.key === undefined ? {} : { key: source.key }),
    timestamp,
    nonce,
    ...(webhook.passEnvironment
      ? { environment: { workspaceId: principal.workspaceId, runKind: 'task' as const, taskId: 'sample_task_id', webhookId: webhook.id } }
      : {}),
  });
  return { method: 'POST', url: signedUrl(webhook.url, timestamp, nonce), headers, body: JSON.parse(rawBody) as unknown, rawBody };
}
