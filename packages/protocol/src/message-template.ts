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
 * appending each with a template. The values are read where they lie, not split into an array first (the
 * server fills every body it sends; splitting and joining arrays cost about 15% more). RangeError when
 * the values do not fill whole messages.
 */
export function fillBatch(pieces: readonly string[], values: string): string {
  const perMessage = pieces.length - 1;
  if (perMessage < 1) throw new RangeError('cannot fill messages without open fields');
  const end = values.length;
  let out = '[';
  let at = 0;
  while (at <= end) {
    out += at === 0 ? pieces[0]! : `,${pieces[0]!}`;
    for (let i = 1; i <= perMessage; i++) {
      if (at > end) throw new RangeError(`the last message lacks ${perMessage - i + 1} of its ${perMessage} values`);
      let next = values.indexOf(VALUE_SEPARATOR, at);
      if (next < 0) next = end;
      out += values.slice(at, next) + pieces[i]!;
      at = next + 1;
    }
  }
  return `${out}]`;
}
