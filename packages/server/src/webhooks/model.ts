/** Authentication of the webhook POST: none, or an HMAC signature with the webhook's key. */
export type AuthMethod = 'none' | 'key';

/** How a webhook parameter's value is given when a task is created. */
export type ParameterType = 'string' | 'numeric' | 'text' | 'date' | 'parameter';

export const AUTH_METHODS: readonly AuthMethod[] = ['none', 'key'];
export const PARAMETER_TYPES: readonly ParameterType[] = ['string', 'numeric', 'text', 'date', 'parameter'];

/** One template parameter, sent in the body's `params` under `name`. */
export interface WebhookParameter {
  name: string;
  displayName: string;
  type: ParameterType;
  /** The managed parameter (constant or interface) giving the value; only when type is `parameter`. */
  parameterId?: string;
  required: boolean;
}

/** A receipt status code the integrated system may report, and its meaning. */
export interface ReceiptStatus {
  code: string;
  value: string;
}

/** Whether and how long the integrated system may report receipts, and the statuses it may report. */
export interface ReceiptSettings {
  enabled: boolean;
  /** Receipts are accepted for this many hours after a send. */
  retentionHours: number;
  statuses: ReceiptStatus[];
}

/** How hard Hookreach may push this webhook: timeout per request, requests in flight, requests per second. */
export interface DeliverySettings {
  /** 1000..10000 ms; the document's limit is 10 s. */
  timeoutMs: number;
  /** 1..64 requests in flight at once. */
  maxConcurrency: number;
  /** Requests per second (token bucket); 0 = unlimited. */
  maxPerSecond: number;
}

/** Delivery settings used when a create or edit body has no `delivery`. */
export const DEFAULT_DELIVERY: Readonly<DeliverySettings> = Object.freeze({ timeoutMs: 10_000, maxConcurrency: 8, maxPerSecond: 0 });

/** The latest test send, as written by the test-send feature into `webhooks.latest_test`. */
export interface LatestTest {
  ok: boolean;
  /** ISO time of the test. */
  at: string;
  idType: string;
  targetId: string;
  httpStatus?: number;
  code?: string;
  message?: string;
}

/** A webhook as the API shows it: never the key, only whether one is set. */
export interface Webhook {
  id: string;
  name: string;
  authMethod: AuthMethod;
  url: string;
  idTypes: string[];
  parameters: WebhookParameter[];
  passEnvironment: boolean;
  receipt: ReceiptSettings;
  delivery: DeliverySettings;
  enabled: boolean;
  latestTest: LatestTest | null;
  keySet: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** A stored webhook: what the API shows plus the sealed key, which only use cases see. */
export interface WebhookRecord {
  webhook: Webhook;
  keySealed: string | null;
}

/** Validated, normalised settings of a create or edit; `key` is the new plaintext key, if one was sent. */
export interface WebhookDraft {
  name: string;
  authMethod: AuthMethod;
  key: string | undefined;
  url: string;
  idTypes: string[];
  parameters: WebhookParameter[];
  passEnvironment: boolean;
  receipt: ReceiptSettings;
  delivery: DeliverySettings;
}

/** A task or journey that sends through a webhook. */
export interface WebhookUsage {
  kind: 'task' | 'journey';
  id: string;
  name: string;
}

/** The receipt settings used when a create or edit body has no `receipt`. */
export const DEFAULT_RECEIPT: Readonly<ReceiptSettings> = Object.freeze({ enabled: false, retentionHours: 72, statuses: [] });

/** The context a webhook's key is sealed under, so a sealed key cannot be moved to another webhook. */
export function keyContext(webhookId: string): string {
  return `webhook:${webhookId}`;
}
