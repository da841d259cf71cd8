import { fillBatchBytes, VALUE_SEPARATOR } from '@hookreach/protocol';

/**
 * A batch body as `delivery_bodies` stores it: either its JSON text, or, for a batch whose users all fit
 * one message template (delivery/chunk-shape.ts), the template's pieces and the users' values, about a
 * fifth of the size (a task's body is about 580 bytes per user, its values about 120). The claim turns it
 * back into the exact text every attempt sends (bodyText). The separators are control characters, which
 * JSON text never holds raw (inside strings they are escaped), so neither pieces nor values contain them.
 */
const COMPACT = '\u0001';

/** The stored form of a batch of messages made of `pieces` and `values` (pieces.length − 1 per message, in text order). */
export function compactBody(pieces: readonly string[], values: readonly string[]): string {
  return COMPACT + pieces.join(VALUE_SEPARATOR) + COMPACT + values.join(VALUE_SEPARATOR);
}

/** The JSON text a stored body stands for: the same bytes serializeBatch writes; RangeError for a damaged one. */
export function bodyText(stored: string): string {
  return stored.startsWith(COMPACT) ? bodyBytes(stored).toString('utf8') : stored;
}

/** COMPACT and VALUE_SEPARATOR in UTF-8: one byte each, which no other character's bytes include. */
const COMPACT_BYTE = 0x01;
const SEPARATOR_BYTE = 0x02;

/** The bytes a stored body (as text, or its UTF-8 bytes) is sent as: bodyText's, in UTF-8, filled straight from the stored bytes; RangeError for a damaged one. */
export function bodyBytes(stored: string | Uint8Array): Buffer {
  const bytes = typeof stored === 'string' ? Buffer.from(stored, 'utf8') : Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  if (bytes[0] !== COMPACT_BYTE) return bytes;
  const split = bytes.indexOf(COMPACT_BYTE, 1);
  if (split < 0) throw new RangeError('a stored body without its values');
  const pieces: Uint8Array[] = [];
  let at = 1;
  for (let next = bytes.indexOf(SEPARATOR_BYTE, at); next >= 0 && next < split; next = bytes.indexOf(SEPARATOR_BYTE, at)) {
    pieces.push(bytes.subarray(at, next));
    at = next + 1;
  }
  pieces.push(bytes.subarray(at, split));
  return fillBatchBytes(pieces, bytes.subarray(split + 1));
}
