import { fillBatch, VALUE_SEPARATOR } from '@hookreach/protocol';

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
  if (!stored.startsWith(COMPACT)) return stored;
  const split = stored.indexOf(COMPACT, 1);
  if (split < 0) throw new RangeError('a stored body without its values');
  return fillBatch(stored.slice(1, split).split(VALUE_SEPARATOR), stored.slice(split + 1));
}
