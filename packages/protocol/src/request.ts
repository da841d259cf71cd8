import { makeSignature } from './signature.js';

/** Header carrying the HMAC signature; `""` when the webhook has no authentication. */
export const SIGNATURE_HEADER = 'X-QA-Hmac-Signature';

/** Headers sent when a webhook has "Enable Environment Parameter Passing" on. */
export const ENVIRONMENT_HEADERS = {
  workspaceId: 'X-QA-Workspace-Id',
  runKind: 'X-QA-Run-Kind',
  taskId: 'X-QA-Task-Id',
  journeyId: 'X-QA-Journey-Id',
  nodeId: 'X-QA-Node-Id',
  webhookId: 'X-QA-Webhook-Id',
} as const;

/** What triggered a send: a test send, a Reach Marketing task or an Automated Marketing journey. */
export type RunKind = 'test' | 'task' | 'journey';
export const RUN_KINDS: readonly RunKind[] = ['test', 'task', 'journey'];

export interface WebhookEnvironment {
  workspaceId?: string | number | null;
  runKind?: RunKind | null;
  taskId?: string | number | null;
  journeyId?: string | number | null;
  nodeId?: string | number | null;
  webhookId?: string | number | null;
}

export type AuthMethod = 'none' | 'key';

export interface RequestHeaderInput {
  authMethod: AuthMethod;
  /** Required when authMethod is 'key'. */
  key?: string;
  timestamp: string | number;
  nonce: string;
  /** Present only when environment parameter passing is on. */
  environment?: WebhookEnvironment;
}

const HEADER_VALUE = /^[\x21-\x7E](?:[\x20-\x7E]*[\x21-\x7E])?$/;
const ENV_KEYS = Object.keys(ENVIRONMENT_HEADERS) as (keyof WebhookEnvironment)[];
const RESERVED_PARAMS = new Set(['timestamp', 'nonce']);

/** Environment headers; a field that is undefined, null or "" is omitted; values must be printable ASCII. */
export function environmentHeaders(env: WebhookEnvironment): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of ENV_KEYS) {
    const raw = env[field];
    if (raw === undefined || raw === null || raw === '') continue;
    const value = String(raw);
    if (field === 'runKind' && !RUN_KINDS.includes(value as RunKind)) {
      throw new TypeError(`runKind must be one of ${RUN_KINDS.join(', ')}, got ${JSON.stringify(value)}`);
    }
    if (!HEADER_VALUE.test(value)) {
      throw new TypeError(`${field} must be printable ASCII without edge spaces, got ${JSON.stringify(value)}`);
    }
    out[ENVIRONMENT_HEADERS[field]] = value;
  }
  return out;
}

/** The POST URL: the configured http(s) URL, its query kept as is, with `timestamp` and `nonce` appended (any configured ones replaced, fragment dropped). */
export function signedUrl(url: string | URL, timestamp: string | number, nonce: string): string {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new TypeError(`webhook URL must be http or https, got ${u.protocol}`);
  }
  u.hash = '';
  const kept = u.search.slice(1).split('&').filter((pair) => pair !== '' && !RESERVED_PARAMS.has(paramName(pair)));
  kept.push(`timestamp=${encodeURIComponent(String(timestamp))}`, `nonce=${encodeURIComponent(nonce)}`);
  u.search = `?${kept.join('&')}`;
  return u.href;
}

/** The decoded name of one `name=value` query pair (form-urlencoded rules). */
function paramName(pair: string): string {
  const eq = pair.indexOf('=');
  const raw = (eq < 0 ? pair : pair.slice(0, eq)).replaceAll('+', ' ');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** Headers of a webhook POST: Content-Type, the signature ("" without auth), then environment headers if given. */
export function requestHeaders(input: RequestHeaderInput): Record<string, string> {
  let signature = '';
  if (input.authMethod === 'key') {
    if (!input.key) throw new TypeError("authMethod 'key' needs a non-empty key");
    signature = makeSignature(input.key, input.timestamp, input.nonce);
  } else if (input.authMethod !== 'none') {
    throw new TypeError(`unknown authMethod ${JSON.stringify(input.authMethod)}`);
  }
  const headers: Record<string, string> = { 'Content-Type': 'application/json', [SIGNATURE_HEADER]: signature };
  return input.environment ? Object.assign(headers, environmentHeaders(input.environment)) : headers;
}
