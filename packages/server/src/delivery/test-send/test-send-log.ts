import { STATUS_CODES } from 'node:http';
import type { SendOutcome } from '../send-to-webhook.js';
import type { WebhookTarget } from '../webhook-target.js';

/** Largest response body kept in a log, in bytes. */
export const LOG_RESPONSE_BODY_BYTES = 64 * 1024;
/** What stands for the key wherever it would appear. */
export const KEY_MASK = '***';
/** Keys shorter than this are not searched for in a receiver's answer: masking "a" everywhere would wreck the log. */
const MIN_SCRUBBED_KEY = 6;
/** Java's `\s` (what `replaceAll("\\s+", "")` removes), as the protocol package applies it. */
const JAVA_WHITESPACE = /[ \t\n\v\f\r]+/g;

/** Everything needed to troubleshoot one test send, stored as JSON in `test_sends.log`. Never holds the key. */
export interface TestSendLog {
  testId: string;
  webhook: { id: string; name: string; url: string; authMethod: 'none' | 'key'; passEnvironment: boolean; timeoutMs: number };
  request: { method: 'POST'; url: string; headers: [string, string][]; body: string };
  signature: { authMethod: 'none' | 'key'; timestamp: string; nonce: string; sortedParts: string[] | null; signedString: string | null; value: string };
  response: { status: number; headers: [string, string][]; body: string; bodyBytes: number; truncated: boolean } | null;
  timing: { startedAt: string; latencyMs: number; timeoutMs: number };
  outcome: { success: boolean; httpStatus: number | null; code: string | null; message: string | null; error: string | null };
}

/** Replaces every occurrence of the key in text a receiver sent back (it may echo what it expected). */
export function scrubKey(text: string, key: string | undefined): string {
  return key !== undefined && key.length >= MIN_SCRUBBED_KEY ? text.split(key).join(KEY_MASK) : text;
}

/**
 * `generateStr`'s parts in signing order with the key replaced by `***`, and the string that was
 * HMAC'd shown the same way. Sorting uses the real key (UTF-16 order, as Java), so the mask sits where
 * the key sorted; whitespace is removed from the other parts exactly as the whole string loses it.
 */
export function maskedSignatureInput(key: string, timestamp: string, nonce: string): { sortedParts: string[]; signedString: string } {
  const parts = [key, timestamp, nonce].sort();
  const keyAt = parts.indexOf(key);
  const sortedParts = parts.map((part, i) => (i === keyAt ? KEY_MASK : part.replace(JAVA_WHITESPACE, '')));
  return { sortedParts, signedString: sortedParts.join('') };
}

/** The request headers in the order the HTTP client sends them: Host and Connection first, Content-Length last. */
function sentHeaders(url: string, headers: Record<string, string>, body: string): [string, string][] {
  return [['host', new URL(url).host], ['connection', 'keep-alive'], ...Object.entries(headers), ['content-length', String(Buffer.byteLength(body))]];
}

function responseHeaders(headers: Record<string, string | string[] | undefined>, key: string | undefined): [string, string][] {
  return Object.entries(headers).flatMap(([name, value]) =>
    value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((v): [string, string] => [name, scrubKey(v, key)]),
  );
}

/** The first `limit` bytes of a UTF-8 text, never splitting a character. */
function capUtf8(text: string, limit: number): { body: string; bytes: number; truncated: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= limit) return { body: text, bytes: bytes.length, truncated: false };
  let end = limit;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return { body: bytes.subarray(0, end).toString('utf8'), bytes: bytes.length, truncated: true };
}

const scrubOrNull = (text: string | undefined, key: string | undefined): string | null => (text === undefined ? null : scrubKey(text, key));

/** The non-empty `message` of a successful answer (the success rule ignores it, the tester may want it), clipped like failures'. */
function successMessage(bodyText: string | undefined): string | undefined {
  try {
    const message: unknown = (JSON.parse(bodyText ?? '') as { message?: unknown } | null)?.message;
    if (typeof message !== 'string' || message === '') return undefined;
    return message.length > 256 ? `${message.slice(0, 256)}…` : message;
  } catch {
    return undefined;
  }
}

/** The log of a send; receiver-provided text is scrubbed of the key, the signature input masked. */
export function buildTestSendLog(input: { testId: string; webhookName: string; target: WebhookTarget; body: string; outcome: SendOutcome }): TestSendLog {
  const { target, outcome, body } = input;
  const { request } = outcome;
  const masked = target.authMethod === 'key' && target.key !== undefined ? maskedSignatureInput(target.key, request.timestamp, request.nonce) : null;
  let response: TestSendLog['response'] = null;
  if (outcome.response && outcome.httpStatus !== undefined) {
    const capped = capUtf8(scrubKey(outcome.response.bodyText, target.key), LOG_RESPONSE_BODY_BYTES);
    response = { status: outcome.httpStatus, headers: responseHeaders(outcome.response.headers, target.key), body: capped.body, bodyBytes: capped.bytes, truncated: capped.truncated };
  }
  return {
    testId: input.testId,
    webhook: { id: target.id, name: input.webhookName, url: target.url, authMethod: target.authMethod, passEnvironment: target.passEnvironment, timeoutMs: target.timeoutMs },
    request: { method: 'POST', url: request.url, headers: sentHeaders(request.url, request.headers, body), body },
    signature: {
      authMethod: target.authMethod,
      timestamp: request.timestamp,
      nonce: request.nonce,
      sortedParts: masked?.sortedParts ?? null,
      signedString: masked?.signedString ?? null,
      value: request.headers['X-QA-Hmac-Signature'] ?? '',
    },
    response,
    timing: { startedAt: new Date(outcome.startedAt).toISOString(), latencyMs: outcome.latencyMs, timeoutMs: target.timeoutMs },
    outcome: {
      success: outcome.success,
      httpStatus: outcome.httpStatus ?? null,
      code: scrubOrNull(outcome.code, target.key),
      message: scrubOrNull(outcome.message ?? (outcome.success ? successMessage(outcome.response?.bodyText) : undefined), target.key),
      error: scrubOrNull(outcome.error, target.key),
    },
  };
}

const line = (name: string, value: string | number | boolean | null): string => `${name}: ${value === null ? '(none)' : String(value)}`;

function signatureSection(log: TestSendLog): string[] {
  const s = log.signature;
  if (s.authMethod === 'none' || s.sortedParts === null) {
    return ['Authentication: none. X-QA-Hmac-Signature is sent as the empty string; nothing is signed.'];
  }
  return [
    'Authentication: key. Algorithm (Quick Audience\'s makeSignature):',
    '  1. parts = [key, timestamp, nonce], sorted like Java Arrays.sort (UTF-16 code units; uppercase before lowercase)',
    '  2. signed string = the parts joined, with every run of Java whitespace (space, \\t, \\n, \\x0B, \\f, \\r) removed',
    '  3. X-QA-Hmac-Signature = lowercase hex of HmacSHA256(key as UTF-8, signed string as UTF-8)',
    '  The key is the raw key: whitespace is removed from the signed string only, not from the HMAC key.',
    line('timestamp (from the URL)', s.timestamp),
    line('nonce (from the URL)', s.nonce),
    line('sorted parts (key masked)', JSON.stringify(s.sortedParts)),
    line('signed string (key masked)', s.signedString),
    line('X-QA-Hmac-Signature', s.value),
    'To check your side: compute the signature from the same timestamp and nonce with your copy of the key.',
    'A different value means a different key (or whitespace in it), or a timestamp/nonce not taken from this URL.',
  ];
}

function responseSection(log: TestSendLog): string[] {
  const r = log.response;
  if (r === null) return ['(no response: see the error below)'];
  const lines = [`HTTP/1.1 ${r.status} ${STATUS_CODES[r.status] ?? ''}`.trimEnd(), ...r.headers.map(([n, v]) => `${n}: ${v}`), '', r.body];
  if (r.truncated) lines.push(`[... cut: the first ${Buffer.byteLength(r.body)} of ${r.bodyBytes} bytes are shown]`);
  return lines;
}

/** The downloadable text: request, signature input, response, timings and outcome. */
export function renderTestSendLog(log: TestSendLog): string {
  const o = log.outcome;
  const sections: [string, string[]][] = [
    ['Test send', [
      line('id', log.testId),
      line('webhook', `${log.webhook.id} (${log.webhook.name})`),
      line('result', o.success ? 'SUCCESS' : 'FAILED'),
    ]],
    ['Request', [`${log.request.method} ${log.request.url}`, ...log.request.headers.map(([n, v]) => `${n}: ${v}`), '', log.request.body]],
    ['Signature', signatureSection(log)],
    ['Response', responseSection(log)],
    ['Timing', [line('started', log.timing.startedAt), line('latency ms', log.timing.latencyMs), line('timeout ms', log.timing.timeoutMs)]],
    ['Outcome', [line('success', o.success), line('httpStatus', o.httpStatus), line('code', o.code), line('message', o.message), line('error', o.error)]],
  ];
  return `${sections.map(([title, lines]) => `=== ${title} ===\n${lines.join('\n')}`).join('\n\n')}\n`;
}
