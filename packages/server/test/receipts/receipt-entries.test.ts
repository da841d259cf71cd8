import { describe, expect, it } from 'vitest';
import { addEntry, encodeEntries, ENTRY_SEPARATOR, forEachEntry } from '../../src/receipts/receipt-entries.js';

const read = (entries: string) => {
  const receipts: string[][] = [];
  forEachEntry(entries, (actionId, msgId, status, sendTime) => receipts.push([actionId, msgId, status, sendTime]));
  return receipts;
};

describe('receipt entries (a batch_receipts row)', () => {
  it('reads back every receipt in order, Unicode and JSON-looking text as written', () => {
    const flat: string[] = [];
    addEntry(flat, 'act_1', 'msg-\u00e9\u{1F600}-"q"\\', '200', '1764550800000');
    addEntry(flat, 'act_2', '[1,2]', 'FAIL', '0');
    expect(read(encodeEntries(flat))).toEqual([
      ['act_1', 'msg-\u00e9\u{1F600}-"q"\\', '200', '1764550800000'],
      ['act_2', '[1,2]', 'FAIL', '0'],
    ]);
  });

  it('refuses a text that is not whole receipts', () => {
    expect(() => read(['act_1', 'm', '200'].join(ENTRY_SEPARATOR))).toThrow('not whole receipts');
  });
});
