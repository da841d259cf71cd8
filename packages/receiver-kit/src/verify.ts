import { MAX_BATCH_SIZE, verifySignature, type WebhookUserMessage } from '@hookreach/protocol';

/** Why a webhook request was refused; also the `code` the reference receiver answers with. */
export type RejectReason =
  | 'BAD_TIMESTAMP'
  | 'STALE_TIMESTAMP'
  | 'BAD_NONCE'
  | 'MISSING_SIGNATURE'
  | 'BAD_SIGNATURE'
  | 'UNEXPECTED_SIGNATURE'
  | 'BAD_BODY'
  | 'BAD_BATCH_SIZE'
  | 'BODY_TOO_LARGE'
  | 'METHOD_NOT_ALLOWED';

/** The HTTP status to answer each refusal with: 401 for authentication (timestamp, nonce, signature), 400 for the body. */
export const REJECT_STATUS: Readonly<Record<RejectReason, number>> = Object.freeze({
  BAD_TIMESTAMP: 401,
  STALE_TIMESTAMP: 401,
  BAD_NONCE: 401,
  MISSING_SIGNATURE: 401,
  BAD_SIGNATURE: 401,
  UNEXPECTED_SIGNATURE: 401,
  BAD_BODY: 400,
  BAD_BATCH_SIZE: 400,
  BODY_TOO_LARGE: 413,
  METHOD_NOT_ALLOWED: 405,
});

/** Default allowed distance between the request's `timestamp` and the receiver's clock. */
export const DEFAULT_MAX_SKEW_SECONDS = 300;

export interface VerifyRequestInput {
  /** The webhook's key; undefined, null or "" when the webhook has no authentication. */
  key?: string | null;
  /** The `timestamp` query parameter as received (UNIX seconds). */
  timestamp: string | null | undefined;
  /** The `nonce` query parameter as received (32 lowercase hex). */
  nonce: string | null | undefined;
  /** The `X-QA-Hmac-Signature` header as received (undefined when absent). */
  signatureHeader: string | readonly string[] | null | undefined;
  /** The request body exactly as received. */
  rawBody: string | Uint8Array;
  /** The receiver's clock in epoch milliseconds; default Date.now(). */
  nowMs?: number;
  /** Largest accepted |timestamp - now| in seconds; default 300. */
  maxSkewSeconds?: number;
}

export interface VerifyAccepted {
  ok: true;
  users: WebhookUserMessage[];
}

export interface VerifyRejected {
  ok: false;
  reason: RejectReason;
  /** Human-readable detail, safe to send back (never contains the key or the expected signature). */
  message: string;
  /** The HTTP status to answer with (REJECT_STATUS[reason]). */
  status: number;
}

export type VerifyResult = VerifyAccepted | VerifyRejected;

const TIMESTAMP = /^\d{1,16}$/;
const NONCE = /^[0-9a-f]{32}$/;
const SECTIONS = ['user_profile', 'params', 'callback_params', 'process_info'] as const;
const PROFILE_KEYS = ['target_type', 'target_id', 'customer_id'] as const;

export function reject(reason: RejectReason, message: string): VerifyRejected {
  return { ok: false, reason, message, status: REJECT_STATUS[reason] };
}

/** The `timestamp` and `nonce` query parameters of a request URL (`/path?...` or absolute); null when absent. */
export function signedQuery(url: string): { timestamp: string | null; nonce: string | null } {
  const q = url.indexOf('?');
  if (q < 0) return { timestamp: null, nonce: null };
  const hash = url.indexOf('#', q);
  const params = new URLSearchParams(hash < 0 ? url.slice(q + 1) : url.slice(q + 1, hash));
  return { timestamp: params.get('timestamp'), nonce: params.get('nonce') };
}

/**
 * Verifies one webhook POST: timestamp (UNIX seconds within the skew), nonce (32 lowercase hex), signature
 * (the webhook's key, or an empty header when there is no key), then the body (a JSON array of 1 to 100 users,
 * each with user_profile, params, callback_params and process_info objects whose values are all strings).
 */
export function verifyRequest(input: VerifyRequestInput): VerifyResult {
  const { timestamp, nonce } = input;
  const nowMs = input.nowMs ?? Date.now();
  const maxSkew = input.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS;

  if (typeof timestamp !== 'string' || timestamp === '') {
    return reject('BAD_TIMESTAMP', 'the "timestamp" query parameter is missing');
  }
  if (!TIMESTAMP.test(timestamp)) {
    return reject('BAD_TIMESTAMP', 'the "timestamp" query parameter must be UNIX time in seconds (digits only)');
  }
  const skew = Math.abs(Number(timestamp) - nowMs / 1000);
  if (!(skew <= maxSkew)) {
    const looksMs = Number(timestamp) > 1e11;
    return reject(
      'STALE_TIMESTAMP',
      looksMs
        ? 'the "timestamp" query parameter looks like milliseconds; it must be UNIX time in seconds'
        : `the "timestamp" query parameter is ${Math.round(skew)} s away from this server's clock (at most ${maxSkew} s allowed)`,
    );
  }
  if (typeof nonce !== 'string' || !NONCE.test(nonce)) {
    return reject('BAD_NONCE', 'the "nonce" query parameter must be 32 lowercase hex characters');
  }

  const header = input.signatureHeader;
  if (header === undefined || header === null) {
    return reject('MISSING_SIGNATURE', 'the X-QA-Hmac-Signature header is missing (it must be "" when the webhook has no key)');
  }
  if (typeof header !== 'string') {
    return reject('BAD_SIGNATURE', 'the X-QA-Hmac-Signature header must be sent once');
  }
  const key = input.key;
  if (key === undefined || key === null || key === '') {
    if (header !== '') {
      return reject('UNEXPECTED_SIGNATURE', 'the request is signed but this receiver has no key: the X-QA-Hmac-Signature header must be ""');
    }
  } else if (!verifySignature(key, timestamp, nonce, header)) {
    return reject('BAD_SIGNATURE', header === '' ? 'the request is not signed but this receiver has a key' : 'the X-QA-Hmac-Signature header does not match');
  }

  return checkBody(input.rawBody);
}

function checkBody(rawBody: string | Uint8Array): VerifyResult {
  let text: string;
  if (typeof rawBody === 'string') text = rawBody;
  else if (Buffer.isBuffer(rawBody)) text = rawBody.toString('utf8');
  else if (rawBody instanceof Uint8Array) text = Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength).toString('utf8');
  else return reject('BAD_BODY', 'the body must be a string or bytes');

  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return reject('BAD_BODY', text.trim() === '' ? 'the body is empty' : 'the body is not JSON');
  }
  if (!Array.isArray(body)) {
    return reject('BAD_BODY', `the body must be a JSON array of users, got ${kind(body)}`);
  }
  if (body.length < 1 || body.length > MAX_BATCH_SIZE) {
    return reject('BAD_BATCH_SIZE', `a request holds 1 to ${MAX_BATCH_SIZE} users, got ${body.length}`);
  }
  for (let i = 0; i < body.length; i++) {
    const problem = checkUser(body[i]);
    if (problem !== undefined) return reject('BAD_BODY', `users[${i}]${problem}`);
  }
  return { ok: true, users: body as WebhookUserMessage[] };
}

/** Describes what is wrong with one user (a path suffix and the problem), undefined when it is well formed. No allocation on success. */
function checkUser(user: unknown): string | undefined {
  if (!isObject(user)) return ` must be an object, got ${kind(user)}`;
  for (const section of SECTIONS) {
    const values = user[section];
    if (!isObject(values)) return `.${section} must be an object, got ${kind(values)}`;
    for (const name in values) {
      const value = values[name];
      if (typeof value !== 'string') return `.${section}.${name} must be a string, got ${kind(value)}`;
    }
  }
  const profile = user.user_profile as Record<string, unknown>;
  for (const name of PROFILE_KEYS) {
    if (typeof profile[name] !== 'string') return `.user_profile.${name} is missing`;
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value === undefined) return 'nothing';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
