import { errors } from '../errors.js';

/** The signed parts of a receipt report, as sent (the signature covers the raw `timestamp` text). */
export interface SignedQuery {
  timestamp: string;
  nonce: string;
  signature: string;
  /** The timestamp in epoch milliseconds. */
  timestampMs: number;
}

const DIGITS = /^[0-9]{1,16}$/;
/** Printable ASCII without spaces: the signature drops whitespace, so a nonce must not carry any. */
const NONCE = /^[\x21-\x7E]{1,64}$/;
/** From 12 digits on, a timestamp is in milliseconds (1e11 seconds is the year 5138). */
const MILLISECOND_THRESHOLD = 100_000_000_000;

/**
 * Checks `timestamp`, `nonce` and the signature header before the body is read: present, well
 * formed, and the timestamp within ±`windowSeconds` of now. Seconds are the document's unit;
 * milliseconds are accepted because the document's own sample request uses them.
 */
export function checkSignedQuery(query: unknown, signatureHeader: unknown, nowMs: number, windowSeconds: number): SignedQuery {
  const { timestamp, nonce } = (query ?? {}) as Record<string, unknown>;
  if (timestamp === undefined) throw errors.receiptUnauthorized('the timestamp query parameter is missing');
  if (typeof timestamp !== 'string' || !DIGITS.test(timestamp)) {
    throw errors.receiptUnauthorized('timestamp must be a UNIX time in seconds (or milliseconds), digits only');
  }
  if (nonce === undefined) throw errors.receiptUnauthorized('the nonce query parameter is missing');
  if (typeof nonce !== 'string' || !NONCE.test(nonce)) {
    throw errors.receiptUnauthorized('nonce must be 1 to 64 printable ASCII characters without spaces (32 random characters recommended)');
  }
  if (signatureHeader === undefined) {
    throw errors.receiptUnauthorized('the X-QA-Hmac-Signature header is missing (send "" when the webhook has no authentication)');
  }
  if (typeof signatureHeader !== 'string') throw errors.receiptUnauthorized('send the X-QA-Hmac-Signature header once');
  const value = Number(timestamp);
  const timestampMs = value >= MILLISECOND_THRESHOLD ? value : value * 1000;
  const skewSeconds = Math.round((timestampMs - nowMs) / 1000);
  if (Math.abs(timestampMs - nowMs) > windowSeconds * 1000) {
    const side = skewSeconds > 0 ? 'ahead of' : 'behind';
    throw errors.receiptUnauthorized(`timestamp ${timestamp} is ${Math.abs(skewSeconds)} s ${side} the server's clock; the window is ±${windowSeconds} s`);
  }
  return { timestamp, nonce, signature: signatureHeader, timestampMs };
}
