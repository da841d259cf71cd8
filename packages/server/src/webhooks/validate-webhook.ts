import type { FieldError } from '../errors.js';
import { DEFAULT_DELIVERY, DEFAULT_RECEIPT, type ReceiptStatus, type WebhookDraft, type WebhookParameter } from './model.js';
import type { WebhookInput } from './schemas.js';

/** What the store knows that the rules need; gathered by the use case before validating. */
export interface ValidationFacts {
  /** Every ID type of the workspace: code → enabled. */
  idTypes: ReadonlyMap<string, boolean>;
  /** ID types the webhook already has (edit): they may stay even if disabled since. */
  keptIdTypes: ReadonlySet<string>;
  /** Managed parameters of the workspace among those referenced. */
  parameterIds: ReadonlySet<string>;
  /** Whether the webhook being edited has a stored key, which an edit without `key` keeps. */
  hasStoredKey: boolean;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// The URL parser silently drops tabs and newlines and trims spaces; refuse them rather than store a URL that differs from the one sent.
const URL_FORBIDDEN = /[\s\p{Cc}]/u;

const CONTROL = /\p{Cc}/u;

/** Trims a display text (name, display name, status value) and checks it is not blank and has no control characters. */
export function checkText(value: string, path: string, errors: FieldError[]): string {
  const trimmed = value.trim();
  if (trimmed === '') errors.push({ path, message: 'must not be blank' });
  else if (CONTROL.test(trimmed)) errors.push({ path, message: 'must not contain control characters' });
  return trimmed;
}

function checkUrl(url: string, errors: FieldError[]): void {
  if (URL_FORBIDDEN.test(url)) return void errors.push({ path: 'url', message: 'must not contain spaces or control characters' });
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return void errors.push({ path: 'url', message: 'must be an absolute http or https URL' });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') errors.push({ path: 'url', message: 'must use http or https' });
  if (url.includes('#')) errors.push({ path: 'url', message: 'must not have a fragment (#...)' });
}

function checkKey(input: WebhookInput, facts: ValidationFacts, errors: FieldError[]): void {
  const { key } = input;
  if (input.authMethod === 'none') {
    if (key !== undefined) errors.push({ path: 'key', message: 'is only allowed when authMethod is key' });
    return;
  }
  if (key === undefined) {
    if (!facts.hasStoredKey) errors.push({ path: 'key', message: 'is required when authMethod is key' });
    return;
  }
  // A pasted key with a trailing newline would sign differently from the receiver's copy.
  if (key.trim() !== key) errors.push({ path: 'key', message: 'must not start or end with whitespace' });
  if (LONE_SURROGATE.test(key)) errors.push({ path: 'key', message: 'must be valid Unicode text' });
}

function checkIdTypes(codes: string[], facts: ValidationFacts, errors: FieldError[]): void {
  const seen = new Map<string, number>();
  codes.forEach((code, i) => {
    const path = `idTypes[${i}]`;
    const first = seen.get(code);
    if (first !== undefined) return void errors.push({ path, message: `duplicates idTypes[${first}]` });
    seen.set(code, i);
    const enabled = facts.idTypes.get(code);
    if (enabled === undefined) errors.push({ path, message: `"${code}" is not an ID type of this workspace` });
    else if (!enabled && !facts.keptIdTypes.has(code)) errors.push({ path, message: `"${code}" is disabled in ID Type Management` });
  });
}

function checkParameters(input: WebhookInput, facts: ValidationFacts, errors: FieldError[]): WebhookParameter[] {
  const seen = new Map<string, number>();
  return (input.parameters ?? []).map((p, i) => {
    const path = `parameters[${i}]`;
    const first = seen.get(p.name);
    if (first !== undefined) errors.push({ path: `${path}.name`, message: `duplicates parameters[${first}].name` });
    else seen.set(p.name, i);
    const displayName = checkText(p.displayName, `${path}.displayName`, errors);
    if (p.type === 'parameter') {
      if (p.parameterId === undefined) errors.push({ path: `${path}.parameterId`, message: 'is required when type is parameter' });
      else if (!facts.parameterIds.has(p.parameterId)) errors.push({ path: `${path}.parameterId`, message: 'is not a managed parameter of this workspace' });
    } else if (p.parameterId !== undefined) {
      errors.push({ path: `${path}.parameterId`, message: 'is only allowed when type is parameter' });
    }
    const parameter: WebhookParameter = { name: p.name, displayName, type: p.type, required: p.required ?? false };
    if (p.type === 'parameter' && p.parameterId !== undefined) parameter.parameterId = p.parameterId;
    return parameter;
  });
}

function checkStatuses(input: WebhookInput, errors: FieldError[]): ReceiptStatus[] {
  const seen = new Map<string, number>();
  const statuses = (input.receipt?.statuses ?? []).map((s, i) => {
    const path = `receipt.statuses[${i}]`;
    const first = seen.get(s.code);
    if (first !== undefined) errors.push({ path: `${path}.code`, message: `duplicates receipt.statuses[${first}].code` });
    else seen.set(s.code, i);
    return { code: s.code, value: checkText(s.value, `${path}.value`, errors) };
  });
  if (input.receipt?.enabled && statuses.length === 0) {
    errors.push({ path: 'receipt.statuses', message: 'needs at least one status when receipts are enabled' });
  }
  return statuses;
}

/**
 * Applies the semantic rules a schema cannot express to a create or edit body and normalises it
 * (trimmed names, defaults). Returns every field error at once; the draft is usable only without errors.
 */
export function validateWebhook(input: WebhookInput, facts: ValidationFacts): { draft: WebhookDraft; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const name = checkText(input.name, 'name', errors);
  checkKey(input, facts, errors);
  checkUrl(input.url, errors);
  checkIdTypes(input.idTypes, facts, errors);
  const parameters = checkParameters(input, facts, errors);
  const statuses = checkStatuses(input, errors);
  const draft: WebhookDraft = {
    name,
    authMethod: input.authMethod,
    key: input.authMethod === 'key' ? input.key : undefined,
    url: input.url,
    idTypes: input.idTypes,
    parameters,
    passEnvironment: input.passEnvironment ?? false,
    receipt: {
      enabled: input.receipt?.enabled ?? DEFAULT_RECEIPT.enabled,
      retentionHours: input.receipt?.retentionHours ?? DEFAULT_RECEIPT.retentionHours,
      statuses,
    },
    delivery: { ...DEFAULT_DELIVERY, ...input.delivery },
  };
  return { draft, errors };
}
