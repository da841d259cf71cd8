import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { createAudience, imported, postChunked, rejections, storedUsers, upload } from './support.js';

describeEachDialect('Audiences: CSV import', (dialect) => {
  const t = useTestApp(dialect, { HOOKREACH_IMPORT_LIMIT: '100000' });

  it('imports ID columns (any case, enabled or not) and attributes; empty cells mean "none"; BOM, CRLF, quotes, quoted line breaks', async () => {
    const id = await createAudience(t(), 'Shapes');
    const csv = '\uFEFFCustomer_ID,open_id,Mobile,ALIPAY_ID,name,city\r\n' +
      'c1,o1,13800000001,,Ann,Beijing\r\n' +
      'c2,,"138,2",,"Bob ""the builder""","Line one\r\nline two"\r\n' +
      '\r\n' +
      'c3,,,,,\r\n';
    const result = await imported(t(), id, csv);
    expect(result).toMatchObject({ imported: 3, created: 3, updated: 0, rejectedCount: 0, rejected: [], userCount: 3 });
    expect(await storedUsers(t(), id)).toEqual({
      c1: { ids: { OPEN_ID: 'o1', MOBILE: '13800000001' }, attributes: { name: 'Ann', city: 'Beijing' } },
      c2: { ids: { MOBILE: '138,2' }, attributes: { name: 'Bob "the builder"', city: 'Line one\r\nline two' } },
      c3: { ids: {}, attributes: {} },
    });
  });

  it('rejects malformed lines with their line numbers and reasons, and keeps every other line', async () => {
    const id = await createAudience(t(), 'Malformed');
    const csv = [
      'customer_id,OPEN_ID,name', // 1
      'c1,o1,Ann', // 2
      ',o2,Empty id', // 3
      '   ,o3,Blank id', // 4
      'c5,o5', // 5: too few
      'c6,o6,x,extra', // 6: too many
      'c7,o"7,x', // 7: stray quote
      'c8,"o8"x,y', // 8: text after a closing quote
      `c9,${'i'.repeat(257)},x`, // 9: ID too long
      `c10,o10,${'v'.repeat(1025)}`, // 10: attribute too long
      `${'c'.repeat(257)},o11,x`, // 11: customer_id too long
      'c12,o12\u0000,x', // 12: NUL
      'c13,o13,Last', // 13
    ].join('\n');
    const result = await imported(t(), id, csv);
    expect(rejections(result)).toEqual([
      '3: customer_id is empty',
      '4: customer_id is empty',
      '5: expected 3 columns, found 2',
      '6: expected 3 columns, found 4',
      '7: a quote inside an unquoted field (quote the whole field and double the quote)',
      '8: unexpected character after a closing quote (line 8)',
      '9: OPEN_ID is longer than 256 characters',
      '10: attribute "name" is longer than 1024 characters',
      '11: customer_id is longer than 256 characters',
      '12: OPEN_ID contains a NUL character',
    ]);
    expect(result).toMatchObject({ imported: 2, rejectedCount: 10, userCount: 2 });
    expect(Object.keys(await storedUsers(t(), id)).sort()).toEqual(['c1', 'c13']);
  });

  it('rejects an over-long line and a file that is not UTF-8 line by line', async () => {
    const id = await createAudience(t(), 'Long and latin1');
    const csv = Buffer.concat([
      Buffer.from(`customer_id,name\nc1,${'x'.repeat(70_000)}\nc2,ok\n`),
      Buffer.from('c3,Jos\xe9\n', 'latin1'),
    ]);
    const result = await imported(t(), id, csv);
    expect(rejections(result)).toEqual(['2: the line is longer than 65536 characters', '4: the line is not valid UTF-8']);
    expect(Object.keys(await storedUsers(t(), id))).toEqual(['c2']);
  });

  it('re-importing a customer_id replaces its IDs and attributes; a repeat within one file keeps the last line', async () => {
    const id = await createAudience(t(), 'Reimport');
    await imported(t(), id, 'customer_id,OPEN_ID,MOBILE,name\nc1,o1,m1,Ann\nc2,o2,m2,Bob\n');
    t().clock.advance(60_000);
    const result = await imported(t(), id, 'customer_id,OPEN_ID,tier\nc1,o1-new,gold\nc3,o3,\nc3,o3-last,silver\n');
    expect(result).toMatchObject({ imported: 3, created: 1, updated: 2, userCount: 3 });
    expect(await storedUsers(t(), id)).toEqual({
      c1: { ids: { OPEN_ID: 'o1-new' }, attributes: { tier: 'gold' } },
      c2: { ids: { OPEN_ID: 'o2', MOBILE: 'm2' }, attributes: { name: 'Bob' } },
      c3: { ids: { OPEN_ID: 'o3-last' }, attributes: { tier: 'silver' } },
    });
    const audience = (await t().request('GET', `/api/v1/audiences/${id}`)).json();
    expect(audience.userCount).toBe(3);
    expect(Date.parse(audience.updatedAt)).toBe(t().clock.now());
  });

  it.each([
    ['no header at all', '', 'header', 'the file is empty'],
    ['customer_id not first', 'OPEN_ID,customer_id\no1,c1\n', 'header[1]', 'the first column must be customer_id'],
    ['a repeated ID column', 'customer_id,OPEN_ID,open_id\nc1,a,b\n', 'header[3]', 'appears more than once'],
    ['a bad attribute name', 'customer_id,first name\nc1,Ann\n', 'header[2]', 'neither an ID type code nor an attribute name'],
    ['an unreadable header', 'customer_id,"open\n', 'header', 'not closed'],
    ['too many attributes', `customer_id,${Array.from({ length: 51 }, (_, i) => `a${i}`).join(',')}\n`, 'header', 'at most 50 attribute columns'],
  ])('refuses %s with 400 VALIDATION and writes nothing', async (_name, csv, path, message) => {
    const id = await createAudience(t(), `Header ${_name}`);
    const audit = await t().ctx.store.db.selectFrom('audit_log').select('id').execute();
    const res = await upload(t(), id, csv);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION');
    expect(res.json().error.details).toContainEqual({ path, message: expect.stringContaining(message) });
    expect(await storedUsers(t(), id)).toEqual({});
    expect(await t().ctx.store.db.selectFrom('audit_log').select('id').execute()).toEqual(audit);
  });

  it.each([
    ['application/json', 415],
    ['text/plain', 415],
    ['text/csv; charset=gbk', 415],
    ['multipart/form-data; boundary=x', 415],
    ['text/csv; charset=UTF-8', 200],
    ['TEXT/CSV', 200],
  ])('answers Content-Type %s with %i', async (contentType, status) => {
    const id = await createAudience(t(), `Type ${contentType}`);
    const res = await upload(t(), id, 'customer_id\nc1\n', contentType);
    expect(res.statusCode, res.body).toBe(status);
    if (status === 415) {
      expect(res.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    expect(Object.keys(await storedUsers(t(), id))).toEqual(status === 200 ? ['c1'] : []);
  });

  it('refuses an upload over HOOKREACH_IMPORT_LIMIT with 413: up front by Content-Length, or once the stream passes it', async () => {
    const id = await createAudience(t(), 'Too big');
    const big = `customer_id\n${Array.from({ length: 20_000 }, (_, i) => `c${i}`).join('\n')}\n`;
    expect(Buffer.byteLength(big)).toBeGreaterThan(100_000);
    const res = await upload(t(), id, big);
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await storedUsers(t(), id)).toEqual({});
    // Chunked (no Content-Length): the rows read before the limit stay, and the size says so.
    const streamed = await postChunked(t(), `/api/v1/audiences/${id}/import`, [big.slice(0, 60_000), big.slice(60_000)]);
    expect(streamed.status).toBe(413);
    expect(streamed.body).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    const stored = Object.keys(await storedUsers(t(), id)).length;
    expect(stored).toBeGreaterThan(0);
    expect((await t().request('GET', `/api/v1/audiences/${id}`)).json().userCount).toBe(stored);
  });

  it('refuses a second import into the same audience while one is running (409 IMPORT_IN_PROGRESS), and a delete during it', async () => {
    const id = await createAudience(t(), 'Busy');
    const { PassThrough } = await import('node:stream');
    const body = new PassThrough();
    const first = t().app.inject({ method: 'POST', url: `/api/v1/audiences/${id}/import`, headers: { authorization: 'Bearer hrk_test_admin_token_0123456789', 'content-type': 'text/csv' }, payload: body });
    body.write('customer_id\nc1\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await upload(t(), id, 'customer_id\nc2\n');
    expect(second.statusCode, second.body).toBe(409);
    expect(second.json().error.code).toBe('IMPORT_IN_PROGRESS');
    const deletion = await t().request('DELETE', `/api/v1/audiences/${id}`);
    expect(deletion.statusCode).toBe(409);
    body.end('c3\n');
    expect((await first).json()).toMatchObject({ imported: 2, userCount: 2 });
    expect((await upload(t(), id, 'customer_id\nc2\n')).statusCode).toBe(200);
  });
});
