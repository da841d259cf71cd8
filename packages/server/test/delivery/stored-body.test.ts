import { describe, expect, it } from 'vitest';
import { bodyBytes, bodyText, compactBody } from '../../src/delivery/stored-body.js';

const quoted = (text: string) => JSON.stringify(text);

/** The filled text, written the plain way: each message's pieces and values interleaved, messages joined by commas. */
function filled(pieces: string[], values: string[]): string {
  const perMessage = pieces.length - 1;
  const messages: string[] = [];
  for (let v = 0; v < values.length; v += perMessage) messages.push(pieces.map((piece, i) => (i === 0 ? piece : values[v + i - 1]! + piece)).join(''));
  return `[${messages.join(',')}]`;
}

describe('bodyText of a compact body', () => {
  it('is its pieces filled with its values, for one message or many, one value each or several', () => {
    const cases: [string[], string[]][] = [
      [['{"a":', '}'], [quoted('x')]],
      [['{"a":', '}'], [quoted('x'), quoted('y'), quoted('z')]],
      [['{"a":', ',"b":', ',"c":', '}'], Array.from({ length: 300 }, (_, i) => quoted(`v${i}`))],
      // An empty value (never written, but the stored form allows it) and a value with quotes and non-ASCII.
      [['{"a":', ',"b":', '}'], ['""', quoted('say "hi" 你好'), quoted('z'), '""']],
    ];
    for (const [pieces, values] of cases) expect(bodyText(compactBody(pieces, values))).toBe(filled(pieces, values));
  });

  it('refuses a damaged body: values that do not fill whole messages, or no open field', () => {
    const pieces = ['{"a":', ',"b":', '}'];
    expect(() => bodyText(compactBody(pieces, [quoted('x'), quoted('y'), quoted('z')]))).toThrow(RangeError);
    expect(() => bodyText(compactBody(['{}'], [quoted('x')]))).toThrow(RangeError);
    expect(() => bodyText('\u0001{"a":\u0002}')).toThrow(RangeError);
  });

  it('leaves JSON text as it is', () => {
    expect(bodyText('[{"a":"x"}]')).toBe('[{"a":"x"}]');
  });
});

describe('bodyBytes of a stored body', () => {
  it('is the UTF-8 of its text, for compact bodies (non-ASCII, four-byte characters, empty values) and JSON text alike', () => {
    const cases: [string[], string[]][] = [
      [['{"a":', '}'], [quoted('x')]],
      [['{"a":', ',"b":', ',"c":', '}'], Array.from({ length: 300 }, (_, i) => quoted(`v${i}`))],
      [['{"名":', ',"b":', '}'], ['""', quoted('say "hi" 你好 😀'), quoted('Zoë'), '""']],
      [['[{"u":{"id":', '}},{"p":"€"}]'], [quoted('\u0000 and \\ escaped')]],
    ];
    for (const [pieces, values] of cases) {
      const stored = compactBody(pieces, values);
      expect(bodyBytes(stored).equals(Buffer.from(filled(pieces, values), 'utf8'))).toBe(true);
      expect(bodyBytes(stored).toString('utf8')).toBe(bodyText(stored));
      // As SQLite hands it over: the stored text's UTF-8 bytes, here a view into a larger buffer.
      const inside = Buffer.concat([Buffer.from('xx'), Buffer.from(stored, 'utf8'), Buffer.from('yy')]);
      expect(bodyBytes(inside.subarray(2, inside.length - 2)).equals(bodyBytes(stored))).toBe(true);
    }
    expect(bodyBytes('[{"a":"ü"}]').equals(Buffer.from('[{"a":"ü"}]', 'utf8'))).toBe(true);
  });

  it('refuses a damaged body as bodyText does', () => {
    const pieces = ['{"a":', ',"b":', '}'];
    expect(() => bodyBytes(compactBody(pieces, [quoted('x'), quoted('y'), quoted('z')]))).toThrow(/lacks 1 of its 2 values/);
    expect(() => bodyBytes(compactBody(['{}'], [quoted('x')]))).toThrow(RangeError);
    expect(() => bodyBytes('\u0001{"a":\u0002}')).toThrow(RangeError);
  });
});
