import { errors } from '../errors.js';
import { listIdTypes } from '../id-types/store.js';
import type { Store } from '../store/database.js';
import type { WebhookDraft, WebhookRecord } from './model.js';
import type { WebhookInput } from './schemas.js';
import { findManagedParameters } from './store.js';
import { validateWebhook, type ValidationFacts } from './validate-webhook.js';

/** Reads what validating `input` needs: the workspace's ID types and the managed parameters it names. */
export async function loadValidationFacts(store: Store, workspaceId: string, input: WebhookInput, existing?: WebhookRecord): Promise<ValidationFacts> {
  const referenced = (input.parameters ?? []).flatMap((p) => (p.parameterId === undefined ? [] : [p.parameterId]));
  const [idTypes, parameters] = await Promise.all([listIdTypes(store, workspaceId), findManagedParameters(store, workspaceId, referenced)]);
  return {
    idTypes: new Map(idTypes.map((t) => [t.code, t.enabled])),
    keptIdTypes: new Set(existing?.webhook.idTypes ?? []),
    parameterIds: new Set(parameters.keys()),
    hasStoredKey: existing?.webhook.authMethod === 'key' && existing.keySealed !== null,
  };
}

/** Validates `input` against the rules and the store's current facts; throws every field error at once. */
export async function validatedDraft(store: Store, workspaceId: string, input: WebhookInput, existing?: WebhookRecord): Promise<WebhookDraft> {
  const { draft, errors: problems } = validateWebhook(input, await loadValidationFacts(store, workspaceId, input, existing));
  if (problems.length > 0) throw errors.validation(problems);
  return draft;
}
