import { buildUserMessage, type UserMessageInput, type WebhookUserMessage } from './body.js';

/** One string field of a message: its section and key (`['params', 'coupon']`, `['callback_params', 'actionId']`). */
export type MessageField = readonly [section: keyof WebhookUserMessage, key: string];

/** What stands in a field while the model is cut: a string whose JSON text nothing else can have (it is checked). */
function marker(index: number): string {
  return `\u0000${index}\u0000`;
}

/**
 * One message's JSON text cut where its open fields go. Filled with a user's values, it gives byte for
 * byte `JSON.stringify(buildUserMessage(input))` of an input with those values and the model's other
 * values, so a batch of filled messages, joined with commas in brackets, is serializeBatch's body. A
 * large task's users differ in a few fields; building and stringifying an object per user cost twice
 * as much as filling the text.
 */
export class MessageTemplate {
  private constructor(
    /** The text around the open fields, in order: one more piece than open fields. */
    readonly pieces: readonly string[],
    /** The open field (index in `fields`) after each piece, in the order of the text. */
    private readonly order: readonly number[],
  ) {}

  /**
   * The template of `model` with `fields` open (their values in the model do not matter, only that the
   * model has them); null when the model lacks one of them or a value of its own reads like a marker.
   */
  static compile(model: UserMessageInput, fields: readonly MessageField[]): MessageTemplate | null {
    const message = buildUserMessage(model);
    for (let i = 0; i < fields.length; i++) {
      const [section, key] = fields[i]!;
      const values = message[section] as Record<string, string>;
      if (!Object.hasOwn(values, key)) return null;
      values[key] = marker(i);
    }
    const text = JSON.stringify(message);
    const found: { at: number; field: number; length: number }[] = [];
    for (let i = 0; i < fields.length; i++) {
      const quoted = JSON.stringify(marker(i));
      const at = text.indexOf(quoted);
      if (at < 0 || text.indexOf(quoted, at + 1) >= 0) return null;
      found.push({ at, field: i, length: quoted.length });
    }
    found.sort((a, b) => a.at - b.at);
    const pieces: string[] = [];
    let from = 0;
    for (const f of found) {
      pieces.push(text.slice(from, f.at));
      from = f.at + f.length;
    }
    pieces.push(text.slice(from));
    return new MessageTemplate(pieces, found.map((f) => f.field));
  }

  /**
   * Appends the message's text to `out` in pieces; `quoted[i]` fills field i of the compiled list, as
   * JSON text (`JSON.stringify` of the string), so a value repeated in a batch is quoted once.
   */
  appendTo(out: string[], quoted: readonly string[]): void {
    const { pieces, order } = this;
    out.push(pieces[0]!);
    for (let i = 0; i < order.length; i++) out.push(quoted[order[i]!]!, pieces[i + 1]!);
  }

  /** Appends the values of the open fields to `out` in the order of the text: what goes between `pieces`. */
  pushValues(out: string[], quoted: readonly string[]): void {
    for (const field of this.order) out.push(quoted[field]!);
  }

  /** The template with field `field` (index in the compiled list) closed on `quoted` (JSON text): one value fewer per message. */
  withValue(field: number, quoted: string): MessageTemplate {
    const at = this.order.indexOf(field);
    if (at < 0) return this;
    const pieces = [...this.pieces.slice(0, at), this.pieces[at]! + quoted + this.pieces[at + 1]!, ...this.pieces.slice(at + 2)];
    return new MessageTemplate(pieces, this.order.filter((f) => f !== field));
  }
}

/** What fillBatch's values are joined with: a control character, which JSON text never holds raw (in strings it is escaped). */
export const VALUE_SEPARATOR = '\u0002';

/**
 * The body of a batch whose every message is `pieces` filled with values (`pieces.length - 1` per
 * message, in the order of the text, JSON-quoted), given joined by VALUE_SEPARATOR: the same text as
 * appending each with a template. RangeError when the values do not fill whole messages.
 */
export function fillBatch(pieces: readonly string[], values: string): string {
  return fillBatchBytes(pieces.map((piece) => Buffer.from(piece, 'utf8')), Buffer.from(values, 'utf8')).toString('utf8');
}

/** VALUE_SEPARATOR's one byte in UTF-8 (no other character's UTF-8 bytes include it). */
const SEPARATOR_BYTE = 0x02;

/**
 * fillBatch in UTF-8 bytes, as a body is sent: written straight into one buffer, with no text made on the
 * way (the server fills every body it sends; building the text, then the bytes undici sends from it, was
 * the largest part of what its event loop allocated during a task). The values are read where they lie.
 */
export function fillBatchBytes(pieces: readonly Uint8Array[], values: Uint8Array): Buffer {
  const perMessage = pieces.length - 1;
  if (perMessage < 1) throw new RangeError('cannot fill messages without open fields');
  let separators = 0;
  for (let at = values.indexOf(SEPARATOR_BYTE); at >= 0; at = values.indexOf(SEPARATOR_BYTE, at + 1)) separators++;
  const count = separators + 1;
  if (count % perMessage !== 0) {
    const given = count % perMessage;
    throw new RangeError(`the last message lacks ${perMessage - given} of its ${perMessage} values`);
  }
  const messages = count / perMessage;
  let perMessageBytes = 0;
  for (const piece of pieces) perMessageBytes += piece.length;
  const out = Buffer.allocUnsafe(2 + (messages - 1) + messages * perMessageBytes + values.length - separators);
  let o = 0;
  let at = 0;
  out[o++] = 0x5b; // [
  for (let m = 0; m < messages; m++) {
    if (m > 0) out[o++] = 0x2c; // ,
    out.set(pieces[0]!, o);
    o += pieces[0]!.length;
    for (let i = 1; i <= perMessage; i++) {
      // Values are short (ids, names): copied byte by byte, which costs less than a copy call each.
      for (let b = values[at]; at < values.length && b !== SEPARATOR_BYTE; b = values[++at]) out[o++] = b!;
      at++;
      out.set(pieces[i]!, o);
      o += pieces[i]!.length;
    }
  }
  out[o++] = 0x5d; // ]
  return out;
}
