/**
 * A batch body as `delivery_bodies` stores it: either its JSON text, or, for a batch whose users all fit
 * one message template (delivery/chunk-shape.ts), the template's pieces and the users' values, about a
 * fifth of the size (a task's body is about 580 bytes per user, its values about 120). The claim turns it
 * back into the exact text every attempt sends (bodyText). The separators are control characters, which
 * JSON text never holds raw (inside strings they are escaped), so neither pieces nor values contain them.
 */
const COMPACT = '\u0001';
const SEPARATOR = '\u0002';

/** The stored form of a batch of messages made of `pieces` and `values` (pieces.length − 1 per message, in text order). */
export function compactBody(pieces: readonly string[], values: readonly string[]): string {
  return COMPACT + pieces.join(SEPARATOR) + COMPACT + values.join(SEPARATOR);
}

/** The JSON text a stored body stands for: the same bytes fillBatch (and serializeBatch) write; RangeError for a damaged one. */
export function bodyText(stored: string): string {
  if (!stored.startsWith(COMPACT)) return stored;
  const split = stored.indexOf(COMPACT, 1);
  if (split < 0) throw new RangeError('a stored body without its values');
  return fillFrom(stored.slice(1, split).split(SEPARATOR), stored, split + 1);
}

/**
 * protocol's fillBatch over the values where they lie in `stored` (from `from` on), without splitting them
 * into an array first: the claim turns every body back, and the split and join took about 8% of the event
 * loop's time during a large task; appending slices (which V8 keeps as one rope until it is written) about 15% less.
 */
function fillFrom(pieces: readonly string[], stored: string, from: number): string {
  const perMessage = pieces.length - 1;
  if (perMessage < 1) throw new RangeError('a stored body without open fields');
  const end = stored.length;
  let out = '[';
  let at = from;
  while (at <= end) {
    out += at === from ? pieces[0]! : `,${pieces[0]!}`;
    for (let i = 1; i <= perMessage; i++) {
      if (at > end) throw new RangeError(`a stored body whose last message lacks ${perMessage - i + 1} of its ${perMessage} values`);
      let next = stored.indexOf(SEPARATOR, at);
      if (next < 0) next = end;
      out += stored.slice(at, next) + pieces[i]!;
      at = next + 1;
    }
  }
  return `${out}]`;
}
