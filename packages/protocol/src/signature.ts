import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Java's `\s` without UNICODE_CHARACTER_CLASS: only these six characters (not NBSP, U+3000, U+2028...). */
const JAVA_WHITESPACE_RUNS = /[ \t\n\v\f\r]+/g; // \v is U+000B
/** A UTF-16 surrogate that is not part of a pair (matched per code unit: no `u` flag). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/** Encodes like Java's `String.getBytes(UTF_8)` (commons-codec getBytesUtf8): a lone surrogate becomes `?`. */
export function javaUtf8(text: string): Buffer {
  return Buffer.from(text.replace(LONE_SURROGATE, '?'), 'utf8');
}

/** The string that is HMAC'd: key, timestamp and nonce sorted by UTF-16 code units, joined, Java `\s+` removed. */
export function signaturePayload(key: string, timestamp: string | number, nonce: string): string {
  // Default sort compares UTF-16 code units, exactly like Java's String.compareTo.
  return [key, String(timestamp), nonce].sort().join('').replace(JAVA_WHITESPACE_RUNS, '');
}

/** The `X-QA-Hmac-Signature` value: hex HmacSHA256 of the payload, keyed with the raw key (as Quick Audience's Java sample). */
export function makeSignature(key: string, timestamp: string | number, nonce: string): string {
  // Java's HmacUtils/SecretKeySpec reject an empty key; do the same instead of signing with it.
  if (key.length === 0) throw new RangeError('signature key must not be empty');
  return createHmac('sha256', javaUtf8(key)).update(javaUtf8(signaturePayload(key, timestamp, nonce))).digest('hex');
}

/** Checks a received signature in constant time (hex case ignored); any malformed input gives false. */
export function verifySignature(key: string, timestamp: string | number, nonce: string, signature: string): boolean {
  if (typeof signature !== 'string' || !HEX_SHA256.test(signature)) return false;
  if (typeof key !== 'string' || key.length === 0 || typeof nonce !== 'string') return false;
  const expected = Buffer.from(makeSignature(key, timestamp, nonce), 'hex');
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}

/** A fresh `nonce` query value: 32 random lowercase hex characters. */
export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

/** UNIX time in whole seconds (the `timestamp` query value) for epoch milliseconds, default now. */
export function unixSeconds(ms: number = Date.now()): number {
  return Math.floor(ms / 1000);
}
