import secureJson from 'secure-json-parse';
import { errors } from '../errors.js';
import { isSurelyValidReceiptList } from './surely-valid.js';

/**
 * Bytes of a report decoded and parsed at a time. V8 puts a string over 128 KB in its large-object
 * space, a fresh mapping whose pages each fault in: decoding a 370 KB report of 1,000 receipts cost
 * 1.5 ms on the bench machine, 30 times the cost of decoding it in pieces below that size.
 */
const PIECE_BYTES = 64 * 1024;

/** `},{`: where two receipts meet in a report written without spaces, as JSON serializers write it. */
const BETWEEN_RECEIPTS = Buffer.from('},{');
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * A report's JSON, refused as Fastify's own parser refuses it (empty, not JSON, or with a `__proto__` key or a
 * `constructor.prototype`: secure-json-parse's rules), for less: a report that isSurelyValidReceiptList accepts
 * has neither (no unknown field outside callback_params, no such key in it), so only the others are scanned,
 * instead of two regular expressions over every report's text (about 5% of the route's CPU). Those it accepts
 * are added to `wellFormed`.
 */
export function parseReport(bytes: Buffer, wellFormed: WeakSet<object>): unknown {
  if (bytes.length === 0) throw errors.malformedJson('the body is empty');
  const json = bytes.subarray(0, 3).equals(UTF8_BOM) ? bytes.subarray(3) : bytes;
  let body: unknown;
  try {
    body = parseInPieces(json) ?? JSON.parse(json.toString('utf8'));
    if (isSurelyValidReceiptList(body, isControlFreeJsonBytes(json))) wellFormed.add(body as object);
    else if (body !== null && typeof body === 'object') secureJson.scan(body, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    throw errors.malformedJson((error as Error).message);
  }
  return body;
}

/**
 * The array a large report holds, parsed a piece of whole receipts at a time; undefined when it is small,
 * has nowhere to cut or a piece is not JSON (the caller parses it whole, for the same value or error).
 * A cut is made at a `},{` without looking whether it lies between two receipts: a cut inside a string or
 * a nested value leaves the piece before it unterminated or unbalanced, which JSON.parse refuses; so when
 * every piece parses, each cut was between two elements of the top-level array, and the pieces' elements
 * in order are that array.
 */
export function parseInPieces(json: Buffer): unknown[] | undefined {
  const elements: unknown[] = [];
  for (let start = 0; ; ) {
    const cut = json.length - start > PIECE_BYTES ? json.indexOf(BETWEEN_RECEIPTS, start + PIECE_BYTES - BETWEEN_RECEIPTS.length) : -1;
    // Small, or nowhere to cut: one JSON.parse does it.
    if (start === 0 && cut < 0) return undefined;
    // The first piece holds the opening bracket and the last the closing one; the others get theirs.
    const piece = cut < 0 ? parsePiece('[', json, start, json.length, '') : parsePiece(start === 0 ? '' : '[', json, start, cut + 1, ']');
    if (piece === undefined) return undefined;
    for (const element of piece) elements.push(element);
    if (cut < 0) return elements;
    start = cut + 2;
  }
}

function parsePiece(before: string, json: Buffer, start: number, end: number, after: string): unknown[] | undefined {
  try {
    const value: unknown = JSON.parse(before + json.toString('utf8', start, end) + after);
    return Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether no string parsed from this JSON can hold a control character or DEL: JSON writes U+0000–U+001F
 * only escaped, so without a backslash there are none, and DEL is checked as is (UTF-8 writes no other
 * character with these bytes). Two scans of the bytes cost less than matching five ids per receipt
 * against ID_PATTERN.
 */
export function isControlFreeJsonBytes(json: Uint8Array): boolean {
  return !json.includes(0x5c) && !json.includes(0x7f);
}
