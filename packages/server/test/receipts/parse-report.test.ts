import { describe, expect, it } from 'vitest';
import { isControlFreeJsonBytes, parseInPieces, parseReport } from '../../src/receipts/parse-report.js';

/** A receipt as an integrator writes it, about 300 bytes of compact JSON. */
function receipt(i: number, extra: Record<string, string> = {}) {
  return {
    msg_id: `m${String(i).padStart(31, '0')}`,
    status: i % 3 === 0 ? '500' : '200',
    cst_id: `c${i}`,
    send_time: '1796318365070',
    callback_params: { webhook_id: 'wh_01m8yeny4k62ejkm8tz3t3mj0s', batchId: 'bat_01m8yep1cehpvfg5qbpy9gbdja', actionId: `act_${i}`, customerId: `c${i}`, ...extra },
  };
}

const report = (n: number, of = receipt) => Array.from({ length: n }, (_, i) => of(i));
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('parseReport', () => {
  it('parses a report of 1,000 receipts in pieces to the value JSON.parse gives', () => {
    const json = bytes(report(1000));
    expect(json.length).toBeGreaterThan(200 * 1024);
    const pieces = parseInPieces(json);
    expect(pieces).toHaveLength(1000);
    expect(pieces).toEqual(JSON.parse(json.toString()));
    const wellFormed = new WeakSet<object>();
    const parsed = parseReport(json, wellFormed);
    expect(parsed).toEqual(report(1000));
    expect(wellFormed.has(parsed as object)).toBe(true);
  });

  it('leaves a small report to one JSON.parse', () => {
    expect(parseInPieces(bytes(report(10)))).toBeUndefined();
    expect(parseReport(bytes(report(10)), new WeakSet())).toEqual(report(10));
  });

  it('gives the same value when "},{" stands inside strings and nested values, wherever the cuts fall', () => {
    const tricky = (i: number) => receipt(i, { note: i % 7 === 0 ? '},{"msg_id":"x"},{' : 'plain', nested: JSON.stringify([{}, {}]) });
    const value = [...report(600, tricky), { list: [{ a: 1 }, { b: '},{' }] }, ...report(600, tricky)];
    const json = bytes(value);
    // Every offset of a first cut: shifting the text shifts where the search lands.
    for (let pad = 0; pad < 40; pad++) {
      const padded = Buffer.concat([Buffer.from(' '.repeat(pad)), json]);
      expect(parseReport(padded, new WeakSet())).toEqual(value);
    }
  });

  it('keeps characters of several bytes whole across pieces', () => {
    const value = report(1000, (i) => receipt(i, { text: 'café 优惠券 🎁'.repeat(1 + (i % 5)) }));
    expect(parseReport(bytes(value), new WeakSet())).toEqual(value);
  });

  it('refuses a large report that is not JSON with JSON.parse\'s own message, whichever piece is damaged', () => {
    const json = bytes(report(1000));
    for (const at of [10, json.length >> 1, json.length - 3]) {
      const damaged = Buffer.from(json);
      damaged[at] = 0x01; // a control character: refused inside a string and out
      let expected = '';
      try {
        JSON.parse(damaged.toString());
      } catch (error) {
        expected = (error as Error).message;
      }
      expect(expected).not.toBe('');
      expect(() => parseReport(damaged, new WeakSet())).toThrow(`The request body is not valid JSON: ${expected}`);
    }
    // Cut short: every piece but the last parses.
    expect(() => parseReport(json.subarray(0, json.length - 2), new WeakSet())).toThrow('The request body is not valid JSON');
  });

  it('parses a large value that is not an array whole', () => {
    const value = { receipts: report(1000) };
    expect(parseInPieces(bytes(value))).toBeUndefined();
    expect(parseReport(bytes(value), new WeakSet())).toEqual(value);
  });

  it('skips a UTF-8 byte order mark and refuses an empty body', () => {
    const json = bytes(report(1000));
    expect(parseReport(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json]), new WeakSet())).toHaveLength(1000);
    expect(() => parseReport(Buffer.alloc(0), new WeakSet())).toThrow('The request body is not valid JSON: the body is empty');
  });

  it('scans a large report that is not surely valid for prototype keys', () => {
    const value = report(1000);
    const json = Buffer.from(JSON.stringify(value).replace('"callback_params":{', '"callback_params":{"__proto__":{"x":1},'));
    expect(() => parseReport(json, new WeakSet())).toThrow('The request body is not valid JSON');
  });
});

describe('isControlFreeJsonBytes', () => {
  it('is true without a backslash or DEL, characters of several bytes included', () => {
    expect(isControlFreeJsonBytes(Buffer.from(JSON.stringify(['café 🎁'])))).toBe(true);
    expect(isControlFreeJsonBytes(Buffer.from(JSON.stringify(['a\nb'])))).toBe(false);
    expect(isControlFreeJsonBytes(Buffer.from(JSON.stringify(['a\u007f'])))).toBe(false);
  });
});
