import { decideWebhookUse } from '../access/may-use-webhook.js';
import type { Principal } from '../access/principal.js';
import { findAudience } from '../audiences/store.js';
import type { AppContext } from '../context.js';
import { parameterOptionSource } from '../delivery/test-send/parameter-options.js';
import { errors, type FieldError } from '../errors.js';
import { checkSendValues } from '../tasks/validate-task.js';
import { findWebhook } from '../webhooks/store.js';
import type { WebhookRecord } from '../webhooks/model.js';
import type { JourneyDefinition } from './model.js';
import type { JourneyInput } from './schemas.js';
import { validateDefinition } from './validate-definition.js';

/**
 * Validates a create or edit body against the store as it is now: the graph rules, the audience of
 * an audience entry, and each webhook node's data configuration exactly as a task's (the caller may
 * use the webhook, the ID type is one of its send ID types, parameter values by type, required flag
 * and options, `${attribute}` syntax). Throws 403 when the caller may not use a webhook; otherwise
 * every problem at once in one VALIDATION error, each named by its node.
 */
export async function checkedDefinition(ctx: AppContext, principal: Principal, input: JourneyInput): Promise<JourneyDefinition> {
  const db = ctx.store.db;
  const now = ctx.clock.now();
  const webhookIds = [...new Set(input.nodes.flatMap((n) => (n.type === 'webhook' && n.webhookId !== undefined ? [n.webhookId] : [])))];
  const records = new Map<string, WebhookRecord>();
  for (const id of webhookIds) {
    const use = await decideWebhookUse(db, now, principal, id);
    if (!use.allowed && use.error.code !== errors.notFound.code) throw use.error;
    const record = await findWebhook(db, principal.workspaceId, id);
    if (record) records.set(id, record);
  }
  const facts = {
    webhooks: new Map([...records].map(([id, r]) => [id, { receiptCodes: r.webhook.receipt.enabled ? r.webhook.receipt.statuses.map((s) => s.code) : [] }])),
  };
  const { definition, errors: problems } = validateDefinition(input, facts);
  if (input.entry.type === 'audience' && input.entry.audienceId !== undefined && !(await findAudience(db, principal.workspaceId, input.entry.audienceId))) {
    problems.push({ path: 'entry.audienceId', message: 'is not an audience of this workspace' });
  }
  for (const [i, node] of definition.nodes.entries()) {
    if (node.type !== 'webhook') continue;
    const record = records.get(node.webhookId);
    const given = input.nodes[i]!.params ?? {};
    if (!record || node.idType === '') continue;
    const local: FieldError[] = [];
    const options = parameterOptionSource(ctx, principal, record.webhook.parameters, given);
    node.params = await checkSendValues(record.webhook.parameters, record.webhook.idTypes, { idType: node.idType, params: given }, options, local);
    problems.push(...local.map((p) => ({ path: `nodes[${i}].${p.path}`, message: p.message })));
  }
  if (problems.length > 0) throw errors.validation(problems);
  return definition;
}

/** The webhooks and audience a definition uses. */
export function usesOf(definition: JourneyDefinition): { webhookIds: string[]; audienceIds: string[] } {
  return {
    webhookIds: definition.nodes.flatMap((n) => (n.type === 'webhook' ? [n.webhookId] : [])),
    audienceIds: definition.entry.type === 'audience' ? [definition.entry.audienceId] : [],
  };
}
