import { describe, expect, it } from 'vitest';
import { CsvReader, type CsvItem } from '../../src/audiences/import/csv-records.js';
import { LineReader, type LineItem } from '../../src/audiences/import/ndjson-lines.js';

/** Reads `text` pushed in pieces cut at `cuts`. */
function read(text: string, cuts: number[] = [], max = 1000): CsvItem[] {
  const reader = new CsvReader(max);
  const out: CsvItem[] = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    reader.push(text.slice(from, cut), out);
    from = cut;
  }
  reader.end(out);
  return out;
}

const TRICKY = '\uFEFFcustomer_id,OPEN_ID,note\r\nc1,o1,plain\r\n\r\nc2,"o,2","say ""hi"""\nc3,"multi\nline\r\nvalue",x\n"c4",,""\nc5,bad"quote,x\nc6,"closed"junk,x\nc7,o7,last';

describe('CsvReader', () => {
  it('reads quotes, escaped quotes, commas and line breaks inside quotes, CRLF, a BOM and blank lines', () => {
    expect(read(TRICKY)).toEqual([
      { line: 1, fields: ['customer_id', 'OPEN_ID', 'note'] },
      { line: 2, fields: ['c1', 'o1', 'plain'] },
      { line: 4, fields: ['c2', 'o,2', 'say "hi"'] },
      { line: 5, fields: ['c3', 'multi\nline\r\nvalue', 'x'] },
      { line: 8, fields: ['c4', '', ''] },
      { line: 9, reason: 'a quote inside an unquoted field (quote the whole field and double the quote)' },
      { line: 10, reason: 'unexpected character after a closing quote (line 10)' },
      { line: 11, fields: ['c7', 'o7', 'last'] },
    ]);
  });

  it('gives the same records wherever the text is cut into pieces', () => {
    const whole = read(TRICKY);
    for (let cut = 0; cut <= TRICKY.length; cut++) expect(read(TRICKY, [cut]), `cut at ${cut}`).toEqual(whole);
    for (let a = 0; a <= TRICKY.length; a += 7) for (let b = a; b <= TRICKY.length; b += 5) expect(read(TRICKY, [a, b])).toEqual(whole);
  });

  it('reports a quoted field left open at the end of the file at the line it starts on', () => {
    expect(read('customer_id\nc1\n"c2\nc3\n')).toEqual([
      { line: 1, fields: ['customer_id'] },
      { line: 2, fields: ['c1'] },
      { line: 3, reason: 'a quoted field is not closed before the end of the file' },
    ]);
  });

  it('swallows the lines an unbalanced quote spans into one rejected record, then reads on', () => {
    expect(read('h\n"a\nb\nc"d\ne\n')).toEqual([
      { line: 1, fields: ['h'] },
      { line: 2, reason: 'unexpected character after a closing quote (line 4)' },
      { line: 5, fields: ['e'] },
    ]);
  });

  it('rejects an over-long line, plain or quoted, complete or still arriving, and counts lines on', () => {
    const long = 'x'.repeat(50);
    const text = `h\n${long}\nok1\n"${long}\n${long}"\nok2\n`;
    const expected = [
      { line: 1, fields: ['h'] },
      { line: 2, reason: 'the line is longer than 40 characters' },
      { line: 3, fields: ['ok1'] },
      { line: 4, reason: 'the line is longer than 40 characters' },
      { line: 6, fields: ['ok2'] },
    ];
    expect(read(text, [], 40)).toEqual(expected);
    for (let cut = 0; cut <= text.length; cut += 3) expect(read(text, [cut, cut + 10], 40), `cuts at ${cut}`).toEqual(expected);
  });
});

describe('LineReader (NDJSON)', () => {
  const lines = (text: string, cuts: number[] = [], max = 20): LineItem[] => {
    const reader = new LineReader(max);
    const out: LineItem[] = [];
    let from = 0;
    for (const cut of [...cuts, text.length]) {
      reader.push(text.slice(from, cut), out);
      from = cut;
    }
    reader.end(out);
    return out;
  };

  it('splits LF and CRLF lines, drops a BOM, skips blank lines, rejects over-long lines wherever cut', () => {
    const text = '\uFEFF{"a":1}\r\n\n  \n{"b":2}\n' + 'y'.repeat(30) + '\n{"c":3}';
    const expected = [
      { line: 1, text: '{"a":1}' },
      { line: 4, text: '{"b":2}' },
      { line: 5, reason: 'the line is longer than 20 characters' },
      { line: 6, text: '{"c":3}' },
    ];
    for (let cut = 0; cut <= text.length; cut++) expect(lines(text, [cut]), `cut at ${cut}`).toEqual(expected);
  });
});
