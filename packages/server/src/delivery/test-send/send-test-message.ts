import { buildUserMessage, serializeBatch } from '@hookreach/protocol';
import type { Principal } from '../../access/principal.js';
import type { AppContext } from '../../context.js';
import { errors, type FieldError } from '../../errors.js';
import { newId } from '../../shared/ids.js';
import { isForeignKeyViolation } from '../../store/queries.js';
import type { TestSendRow } from '../../store/schema.js';
import type { Webhook } from '../../webhooks/model.js';
import { readWebhook } from '../../webhooks/read-webhook.js';
import { validateParamValues } from '../../webhooks/validate-param-values.js';
import { sendToWebhook } from '../send-to-webhook.js';
import { loadWebhookTargets } from '../webhook-target.js';
import { parameterOptionSource } from './parameter-options.js';
import type { TestSendInput, TestSendResult } from './schemas.js';
import { saveTestSend, toResult } from './store.js';
import { buildTestSendLog } from './test-send-log.js';

/** An ID with edge whitespace is almost always a paste error, and the receiver would look up another user. */
function checkId(value: string, path: string, problems: FieldError[]): void {
  if (value.trim() === '') problems.push({ path, message: 'must not be blank' });
  else if (value.trim() !== value) problems.push({ path, message: 'must not start or end with whitespace' });
}

/** Checks the body against the webhook; returns the `params` to send, or throws every field error at once. */
async function validatedParams(ctx: AppContext, principal: Principal, webhook: Webhook, input: TestSendInput): Promise<Record<string, string>> {
  const problems: FieldError[] = [];
  if (!webhook.idTypes.includes(input.idType)) {
    problems.push({ path: 'idType', message: `must be one of the webhook's ID types: ${webhook.idTypes.join(', ')}` });
  }
  checkId(input.targetId, 'targetId', problems);
  if (input.customerId !== undefined) checkId(input.customerId, 'customerId', problems);
  const given = input.params ?? {};
  const checked = await validateParamValues(webhook.parameters, given, parameterOptionSource(ctx, principal, webhook.parameters, given));
  problems.push(...checked.errors);
  if (problems.length > 0) throw errors.validation(problems);
  return checked.values;
}

/**
 * Sends one real, signed request for one test user to the webhook (enabled or not), once, within the
 * webhook's timeout; stores the result and its log, and makes it the webhook's latest test.
 */
export async function sendTestMessage(ctx: AppContext, principal: Principal, webhookId: string, input: TestSendInput): Promise<TestSendResult> {
  const { webhook } = await readWebhook(ctx.store, principal.workspaceId, webhookId);
  const params = await validatedParams(ctx, principal, webhook, input);
  const target = (await loadWebhookTargets(ctx, [webhook.id])).get(webhook.id);
  if (!target) throw errors.notFound('Webhook', webhookId);

  const now = ctx.clock.now();
  const testId = newId('ts', now);
  const customerId = input.customerId ?? input.targetId;
  const body = serializeBatch([
    buildUserMessage({
      user_profile: { target_type: input.idType, target_id: input.targetId, customer_id: customerId },
      params,
      callback_params: { webhook_id: webhook.id, send_time: now, nodeId: '', instanceId: '', batchId: testId, actionId: newId('act', now), customerId },
      process_info: { processInstanceId: '', processInstanceStartTime: '', processNodeInstanceId: '', processNodeInstanceStartTime: '', groupName: '' },
    }),
  ]);
  const outcome = await sendToWebhook({
    target,
    body,
    environment: { workspaceId: principal.workspaceId, runKind: 'test', webhookId: webhook.id },
    nowMs: now,
    dispatcher: ctx.outbound,
  });
  const log = buildTestSendLog({ testId, webhookName: webhook.name, target, body, outcome });
  const row: TestSendRow = {
    id: testId,
    workspace_id: principal.workspaceId,
    webhook_id: webhook.id,
    member_id: principal.memberId,
    id_type: input.idType,
    target_id: input.targetId,
    success: log.outcome.success ? 1 : 0,
    http_status: log.outcome.httpStatus,
    code: log.outcome.code,
    message: log.outcome.message,
    error: log.outcome.error,
    latency_ms: outcome.latencyMs,
    log: JSON.stringify(log),
    created_at: now,
  };
  try {
    await saveTestSend(ctx.store, row);
  } catch (error) {
    // The webhook was deleted while its test was in flight.
    if (isForeignKeyViolation(error)) throw errors.notFound('Webhook', webhookId);
    throw error;
  }
  return toResult(row);
}
