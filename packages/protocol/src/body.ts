/** Most users in one POST body. */
export const MAX_BATCH_SIZE = 100;

/** One user's entry of a webhook POST body; field names and key order as in Quick Audience's guide; every value a string. */
export interface WebhookUserMessage {
  user_profile: { target_type: string; target_id: string; customer_id: string };
  params: Record<string, string>;
  callback_params: WebhookCallbackParams;
  process_info: WebhookProcessInfo;
}

export interface WebhookCallbackParams {
  webhook_id: string;
  send_time: string;
  nodeId: string;
  instanceId: string;
  batchId: string;
  actionId: string;
  customerId: string;
}

export interface WebhookProcessInfo {
  processInstanceId: string;
  processInstanceStartTime: string;
  processNodeInstanceId: string;
  processNodeInstanceStartTime: string;
  groupName: string;
}

/** A value before it goes on the wire: converted by {@link wireString}. */
export type WireValue = string | number | bigint | boolean | null | undefined;
type Loose<T> = { readonly [K in keyof T]?: WireValue };

/** Input of {@link buildUserMessage}: the same field names, any field may be missing. */
export interface UserMessageInput {
  user_profile: Loose<WebhookUserMessage['user_profile']>;
  params?: Readonly<Record<string, WireValue>>;
  callback_params?: Loose<WebhookCallbackParams>;
  process_info?: Loose<WebhookProcessInfo>;
}

const NONE: Readonly<Record<string, undefined>> = Object.freeze({});
const EXPONENT = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/;

/** Converts a value to its wire string: numbers in plain decimal (never exponent), null/undefined to "". */
export function wireString(value: WireValue): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return numberToDecimal(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return '';
    default:
      if (value === null) return '';
      throw new TypeError(`cannot send a ${typeof value} as a webhook value`);
  }
}

function numberToDecimal(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`cannot send ${n} as a webhook value`);
  const text = String(n);
  const m = EXPONENT.exec(text);
  if (!m) return text;
  const digits = m[2]! + (m[3] ?? '');
  const point = 1 + Number(m[4]);
  return point >= digits.length
    ? m[1]! + digits.padEnd(point, '0')
    : m[1]! + '0.' + '0'.repeat(-point) + digits; // String() uses exponents only for >= 1e21 or < 1e-6
}

function stringParams(params: Readonly<Record<string, WireValue>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!params) return out;
  // Runs for every user of a task: no array of keys, and strings (nearly every value) pass unconverted.
  for (const name in params) {
    if (!Object.hasOwn(params, name)) continue;
    const raw = params[name];
    const value = typeof raw === 'string' ? raw : wireString(raw);
    if (name === '__proto__') Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
    else out[name] = value;
  }
  return out;
}

/** Builds one user's message with the guide's key order and every value a string (shallow: no cloning beyond params). */
export function buildUserMessage(input: UserMessageInput): WebhookUserMessage {
  const u = input.user_profile;
  const c = input.callback_params ?? NONE;
  const p = input.process_info ?? NONE;
  return {
    user_profile: { target_type: wireString(u.target_type), target_id: wireString(u.target_id), customer_id: wireString(u.customer_id) },
    params: stringParams(input.params),
    callback_params: {
      webhook_id: wireString(c.webhook_id),
      send_time: wireString(c.send_time),
      nodeId: wireString(c.nodeId),
      instanceId: wireString(c.instanceId),
      batchId: wireString(c.batchId),
      actionId: wireString(c.actionId),
      customerId: wireString(c.customerId),
    },
    process_info: {
      processInstanceId: wireString(p.processInstanceId),
      processInstanceStartTime: wireString(p.processInstanceStartTime),
      processNodeInstanceId: wireString(p.processNodeInstanceId),
      processNodeInstanceStartTime: wireString(p.processNodeInstanceStartTime),
      groupName: wireString(p.groupName),
    },
  };
}

/** The POST body: a JSON array of 1 to 100 messages (RangeError otherwise). */
export function serializeBatch(messages: readonly WebhookUserMessage[]): string {
  if (!Array.isArray(messages)) throw new RangeError(`a webhook batch holds 1 to ${MAX_BATCH_SIZE} users, got ${typeof messages}`);
  assertBatchSize(messages.length);
  return JSON.stringify(messages);
}

/** Throws a RangeError unless `users` is a batch size the guide allows (1 to MAX_BATCH_SIZE). */
export function assertBatchSize(users: number): void {
  if (users < 1 || users > MAX_BATCH_SIZE) throw new RangeError(`a webhook batch holds 1 to ${MAX_BATCH_SIZE} users, got ${users}`);
}
