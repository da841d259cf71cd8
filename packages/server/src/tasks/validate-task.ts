import { decideWebhookUse } from '../access/may-use-webhook.js';
import type { Principal } from '../access/principal.js';
import { findAudience, type AudienceRecord } from '../audiences/store.js';
import type { AppContext } from '../context.js';
import { parameterOptionSource } from '../delivery/test-send/parameter-options.js';
import { errors, type FieldError } from '../errors.js';
import type { WebhookParameter, WebhookRecord } from '../webhooks/model.js';
import { findWebhook } from '../webhooks/store.js';
import { validateParamValues, type ParamOptionSource } from '../webhooks/validate-param-values.js';
import { checkText } from '../webhooks/validate-webhook.js';
import type { TaskDraft, TaskSchedule } from './model.js';
import type { TaskInput } from './schemas.js';
import { parseTemplate, type MissingVariable } from './variables.js';

/** A validated draft and what it was checked against. */
export interface ValidatedTask {
  draft: TaskDraft;
  webhook: WebhookRecord['webhook'];
  audience: AudienceRecord;
}

/**
 * Checks the webhook's ID type and the parameter values (type, required flag, a managed parameter's
 * options, `${attribute}` syntax in text parameters); records every problem in `problems` and
 * returns the values as wire strings. Shared by create, edit and test send.
 */
export async function checkSendValues(
  parameters: readonly WebhookParameter[],
  idTypes: readonly string[],
  input: { idType: string; params?: Record<string, unknown> | undefined },
  options: ParamOptionSource,
  problems: FieldError[],
): Promise<Record<string, string>> {
  if (!idTypes.includes(input.idType)) problems.push({ path: 'idType', message: `must be one of the webhook's ID types: ${idTypes.join(', ')}` });
  const checked = await validateParamValues(parameters, input.params ?? {}, options);
  problems.push(...checked.errors);
  for (const parameter of parameters) {
    if (parameter.type !== 'text') continue;
    const parsed = parseTemplate(checked.values[parameter.name] ?? '');
    if ('problem' in parsed) problems.push({ path: `params.${parameter.name}`, message: parsed.problem });
  }
  return checked.values;
}

/** The send time of a schedule; a time that is not in the future is a problem. */
function sendTimeOf(schedule: TaskSchedule, now: number, problems: FieldError[]): number {
  if (schedule.type === 'now') return now;
  const at = Date.parse(schedule.at);
  if (!Number.isFinite(at)) problems.push({ path: 'schedule.at', message: 'must be a date-time with an offset' });
  else if (at <= now) problems.push({ path: 'schedule.at', message: `must be in the future (now is ${new Date(now).toISOString()})` });
  return at;
}

/**
 * Validates a create or edit body against the store as it is now. Throws 403 when the caller may not
 * use the webhook; otherwise collects every problem into one VALIDATION error (an unknown audience
 * or webhook is a field error, so the other fields are still checked).
 */
export async function validatedTask(ctx: AppContext, principal: Principal, input: TaskInput): Promise<ValidatedTask> {
  const problems: FieldError[] = [];
  const now = ctx.clock.now();
  const use = await decideWebhookUse(ctx.store.db, now, principal, input.webhookId);
  if (!use.allowed && use.error.code !== errors.notFound.code) throw use.error;
  const [record, audience] = await Promise.all([
    findWebhook(ctx.store.db, principal.workspaceId, input.webhookId),
    findAudience(ctx.store.db, principal.workspaceId, input.audienceId),
  ]);
  const name = checkText(input.name, 'name', problems);
  if (!audience) problems.push({ path: 'audienceId', message: 'is not an audience of this workspace' });
  let params: Record<string, string> = {};
  if (!record) {
    problems.push({ path: 'webhookId', message: 'is not a webhook of this workspace' });
  } else {
    if (!record.webhook.enabled) problems.push({ path: 'webhookId', message: 'the webhook is disabled; enable it first' });
    const given = input.params ?? {};
    params = await checkSendValues(record.webhook.parameters, record.webhook.idTypes, input, parameterOptionSource(ctx, principal, record.webhook.parameters, given), problems);
  }
  const missingVariable: MissingVariable = input.missingVariable ?? 'skip';
  const sendAt = sendTimeOf(input.schedule, now, problems);
  if (problems.length > 0) throw errors.validation(problems);
  return {
    draft: {
      name,
      audienceId: input.audienceId,
      webhookId: input.webhookId,
      idType: input.idType,
      batchSize: input.batchSize ?? 100,
      params,
      missingVariable,
      schedule: input.schedule.type === 'now' ? { type: 'now' } : { type: 'at', at: input.schedule.at },
      sendAt,
    },
    webhook: record!.webhook,
    audience: audience!,
  };
}
