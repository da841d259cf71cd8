import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { createAudience, imported, rejections, storedUsers } from './support.js';

const NDJSON = 'application/x-ndjson';

describeEachDialect('Audiences: NDJSON import', (dialect) => {
  const t = useTestApp(dialect);

  it('imports users with IDs (codes in any case) and attributes; empty strings mean "none"; CRLF and blank lines are fine', async () => {
    const id = await createAudience(t(), 'Json users');
    const text = [
      '{"customer_id":"c1","ids":{"open_id":"o1","MOBILE":"13800000001"},"attributes":{"name":"Ann","城市":"北京"}}',
      '',
      '{"customer_id":"c2"}',
      '{"customer_id":"c3","ids":{"EMAIL":""},"attributes":{"name":""}}',
    ].join('\r\n');
    expect(await imported(t(), id, text, NDJSON)).toMatchObject({ format: 'ndjson', imported: 3, created: 3, rejectedCount: 0, userCount: 3 });
    expect(await storedUsers(t(), id)).toEqual({
      c1: { ids: { OPEN_ID: 'o1', MOBILE: '13800000001' }, attributes: { name: 'Ann', 城市: '北京' } },
      c2: { ids: {}, attributes: {} },
      c3: { ids: {}, attributes: {} },
    });
  });

  it('rejects bad lines with their numbers and reasons, keeping the rest', async () => {
    const id = await createAudience(t(), 'Json bad');
    const lines = [
      '{"customer_id":"ok1","ids":{"OPEN_ID":"o1"}}', // 1
      '{"customer_id":"c2",', // 2
      '[1,2]', // 3
      '{"customer_id":42}', // 4
      '{"ids":{"OPEN_ID":"o5"}}', // 5
      '{"customer_id":"c6","ids":{"OPEN_ID":5}}', // 6
      '{"customer_id":"c7","attributes":{"age":30}}', // 7
      '{"customer_id":"c8","ids":{"QQ":"x"}}', // 8
      '{"customer_id":"c9","extra":true}', // 9
      '{"customer_id":"","ids":{}}', // 10
      '{"customer_id":"c11","attributes":{"bad name":"x"}}', // 11
      `{"customer_id":"c12","attributes":{"bio":"${'b'.repeat(1025)}"}}`, // 12
      '{"customer_id":"c13","ids":{"OPEN_ID":"a","open_id":"b"}}', // 13
      '{"customer_id":"c14","attributes":null}', // 14
      '{"customer_id":"ok15","attributes":{"name":"Last"}}', // 15
    ].join('\n');
    const result = await imported(t(), id, lines, NDJSON);
    expect(rejections(result).map((r) => r.replace(/invalid JSON: .*/, 'invalid JSON'))).toEqual([
      '2: invalid JSON',
      '3: the line must be a JSON object',
      '4: customer_id must be a string',
      '5: customer_id is missing',
      '6: ids.OPEN_ID must be a string',
      '7: attributes.age must be a string',
      '8: ids: "QQ" is not an ID type code',
      '9: unknown field "extra" (allowed: customer_id, ids, attributes)',
      '10: customer_id is empty',
      '11: attributes: "bad name" is not an attribute name (1-64 letters, digits, _ - .)',
      '12: attribute "bio" is longer than 1024 characters',
      '13: ids: "OPEN_ID" appears more than once',
      '14: attributes must be an object of strings',
    ]);
    expect(result).toMatchObject({ imported: 2, rejectedCount: 13, userCount: 2 });
    expect(Object.keys(await storedUsers(t(), id)).sort()).toEqual(['ok1', 'ok15']);
  });

  it('lists at most 1000 rejected lines but counts them all', async () => {
    const id = await createAudience(t(), 'Json many bad');
    const text = Array.from({ length: 1500 }, (_, i) => (i % 3 === 0 ? `{"customer_id":"c${i}"}` : 'nope')).join('\n');
    const result = await imported(t(), id, text, NDJSON);
    expect(result.rejectedCount).toBe(1000);
    expect(result.rejected).toHaveLength(1000);
    expect(result.imported).toBe(500);
    const many = Array.from({ length: 2500 }, () => 'nope').join('\n');
    const capped = await imported(t(), id, many, NDJSON);
    expect(capped.rejectedCount).toBe(2500);
    expect(capped.rejected).toHaveLength(1000);
    expect(capped.rejected.at(-1)).toEqual({ line: 1000, reason: expect.stringContaining('invalid JSON') });
  });
});
