import type { Principal } from '../access/principal.js';
import { findAudience } from '../audiences/store.js';
import type { AppContext } from '../context.js';
import type { TestSendResult } from '../delivery/test-send/schemas.js';
import { sendTestMessage } from '../delivery/test-send/send-test-message.js';
import { errors, type FieldError } from '../errors.js';
import { readWebhook } from '../webhooks/read-webhook.js';
import type { TaskTestSendInput } from './schemas.js';
import { findAudienceUser } from './store.js';
import { fillTemplate, parseTemplate } from './variables.js';

/** The test user: their ID of the draft's ID type and the attributes that fill its variables. */
async function testUser(ctx: AppContext, principal: Principal, input: TaskTestSendInput, problems: FieldError[]): Promise<{ targetId: string; customerId?: string; attributes: Record<string, string> } | undefined> {
  if ((input.customerId === undefined) === (input.targetId === undefined)) {
    problems.push({ path: 'customerId', message: 'give either customerId (a user of audienceId) or targetId (a typed test ID), not both or neither' });
    return undefined;
  }
  if (input.targetId !== undefined) {
    if (input.audienceId !== undefined) problems.push({ path: 'audienceId', message: 'is only used with customerId' });
    return { targetId: input.targetId, attributes: input.attributes ?? {} };
  }
  if (input.attributes !== undefined) problems.push({ path: 'attributes', message: 'come from the audience user when customerId is given' });
  if (input.audienceId === undefined) {
    problems.push({ path: 'audienceId', message: 'is required with customerId' });
    return undefined;
  }
  if (!(await findAudience(ctx.store.db, principal.workspaceId, input.audienceId))) {
    problems.push({ path: 'audienceId', message: 'is not an audience of this workspace' });
    return undefined;
  }
  const user = await findAudienceUser(ctx.store.db, input.audienceId, input.customerId!);
  if (!user) {
    problems.push({ path: 'customerId', message: 'is not a user of the audience' });
    return undefined;
  }
  const targetId = user.ids[input.idType];
  if (typeof targetId !== 'string' || targetId.trim() === '') {
    problems.push({ path: 'customerId', message: `the user has no ${input.idType} ID (a task would skip them)` });
    return undefined;
  }
  return { targetId, customerId: input.customerId!, attributes: user.attributes };
}

/**
 * A test send from a task draft: the draft's values with its `${attribute}` variables filled for one
 * user (of the audience, or a typed ID with given attributes), sent through the webhook test send,
 * which checks the values and records the result and its log.
 */
export async function testSendTask(ctx: AppContext, principal: Principal, input: TaskTestSendInput): Promise<TestSendResult> {
  const { webhook } = await readWebhook(ctx.store, principal.workspaceId, input.webhookId);
  const problems: FieldError[] = [];
  const user = await testUser(ctx, principal, input, problems);
  const params: Record<string, unknown> = { ...(input.params ?? {}) };
  for (const parameter of webhook.parameters) {
    const value = params[parameter.name];
    if (parameter.type !== 'text' || typeof value !== 'string') continue;
    const parsed = parseTemplate(value);
    if ('problem' in parsed) {
      problems.push({ path: `params.${parameter.name}`, message: parsed.problem });
      continue;
    }
    if (!user) continue;
    const filled = fillTemplate(parsed.template, user.attributes, input.missingVariable ?? 'skip');
    if (filled === undefined) problems.push({ path: `params.${parameter.name}`, message: 'a variable has no value for this user: the task would skip them (or set missingVariable to replace)' });
    else params[parameter.name] = filled;
  }
  if (problems.length > 0 || !user) throw errors.validation(problems);
  return sendTestMessage(ctx, principal, webhook.id, {
    idType: input.idType,
    targetId: user.targetId,
    ...(user.customerId !== undefined ? { customerId: user.customerId } : {}),
    params,
  });
}
