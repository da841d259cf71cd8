import { makeSignature, MAX_BATCH_SIZE, serializeBatch } from '@hookreach/protocol';
import { describe, expect, it } from 'vitest';
import { REJECT_STATUS, signedQuery, verifyRequest, type VerifyRequestInput } from '../src/index.js';
import { sampleUser, sampleUsers, signedRequest } from './support.js';

const KEY = '123456789';
const NOW = 1631865523_000;

/** verifyRequest input for a request the protocol package signs at NOW. */
function input(opts: { key?: string; body?: string; nowMs?: number } = {}): VerifyRequestInput {
  const req = signedRequest('https://crm.example.com/hook?tenant=7', { key: opts.key, body: opts.body, nowMs: opts.nowMs ?? NOW });
  const { timestamp, nonce } = signedQuery(req.url);
  return { key: opts.key, timestamp, nonce, signatureHeader: req.headers['X-QA-Hmac-Signature'], rawBody: Buffer.from(req.body), nowMs: NOW };
}

function rejectedWith(result: ReturnType<typeof verifyRequest>, reason: string) {
  expect(result.ok).toBe(false);
  if (result.ok) return '';
  expect(result.reason).toBe(reason);
  expect(result.status).toBe(REJECT_STATUS[result.reason]);
  return result.message;
}

describe('verifyRequest', () => {
  it('accepts a request signed by the protocol package, and returns its users', () => {
    const users = sampleUsers(3);
    const result = verifyRequest({ ...input({ key: KEY, body: serializeBatch(users) }) });
    expect(result).toEqual({ ok: true, users });
  });

  it("accepts the guide's example signature, with the body as a string", () => {
    const result = verifyRequest({
      key: KEY,
      timestamp: '1631865523',
      nonce: '2e6eceb5737b473284c930c8ef79090e',
      signatureHeader: '459fa2f7e79389c337e6b2077538fb9408241e79715b2f40dfa6c2757e2ecce8',
      rawBody: serializeBatch([sampleUser(1)]),
      nowMs: NOW + 299_000,
    });
    expect(result.ok).toBe(true);
  });

  it('accepts an unsigned request (header "") when no key is configured, and a Uint8Array body', () => {
    const req = input();
    expect(req.signatureHeader).toBe('');
    expect(verifyRequest({ ...req, rawBody: new Uint8Array(req.rawBody as Buffer) }).ok).toBe(true);
    expect(verifyRequest({ ...req, key: '' }).ok).toBe(true);
  });

  it('rejects a bad signature', () => {
    const good = input({ key: KEY });
    rejectedWith(verifyRequest({ ...good, key: 'another key' }), 'BAD_SIGNATURE');
    rejectedWith(verifyRequest({ ...good, signatureHeader: makeSignature(KEY, good.timestamp!, '0'.repeat(32)) }), 'BAD_SIGNATURE');
    rejectedWith(verifyRequest({ ...good, signatureHeader: 'not hex' }), 'BAD_SIGNATURE');
    rejectedWith(verifyRequest({ ...good, signatureHeader: '' }), 'BAD_SIGNATURE');
    rejectedWith(verifyRequest({ ...good, signatureHeader: [String(good.signatureHeader), String(good.signatureHeader)] }), 'BAD_SIGNATURE');
    rejectedWith(verifyRequest({ ...good, signatureHeader: undefined }), 'MISSING_SIGNATURE');
    // hex case is ignored, as the protocol says
    expect(verifyRequest({ ...good, signatureHeader: String(good.signatureHeader).toUpperCase() }).ok).toBe(true);
  });

  it('rejects a signature made over another timestamp (the timestamp is signed)', () => {
    const good = input({ key: KEY });
    const moved = String(Number(good.timestamp) + 1);
    rejectedWith(verifyRequest({ ...good, timestamp: moved }), 'BAD_SIGNATURE');
  });

  it('rejects a stale or future timestamp, honouring maxSkewSeconds', () => {
    const old = input({ key: KEY, nowMs: NOW - 301_000 });
    expect(rejectedWith(verifyRequest(old), 'STALE_TIMESTAMP')).toContain('301 s');
    rejectedWith(verifyRequest(input({ key: KEY, nowMs: NOW + 301_000 })), 'STALE_TIMESTAMP');
    expect(verifyRequest(input({ key: KEY, nowMs: NOW - 300_000 })).ok).toBe(true);
    expect(verifyRequest({ ...old, maxSkewSeconds: 600 }).ok).toBe(true);
    rejectedWith(verifyRequest({ ...input({ key: KEY, nowMs: NOW - 10_000 }), maxSkewSeconds: 5 }), 'STALE_TIMESTAMP');
  });

  it('rejects a missing, non-numeric or millisecond timestamp', () => {
    const good = input({ key: KEY });
    rejectedWith(verifyRequest({ ...good, timestamp: null }), 'BAD_TIMESTAMP');
    rejectedWith(verifyRequest({ ...good, timestamp: '' }), 'BAD_TIMESTAMP');
    rejectedWith(verifyRequest({ ...good, timestamp: '1631865523.5' }), 'BAD_TIMESTAMP');
    rejectedWith(verifyRequest({ ...good, timestamp: '-1631865523' }), 'BAD_TIMESTAMP');
    const ms = String(NOW);
    expect(rejectedWith(verifyRequest({ ...good, timestamp: ms, signatureHeader: makeSignature(KEY, ms, good.nonce!) }), 'STALE_TIMESTAMP')).toContain(
      'milliseconds',
    );
  });

  it('rejects a malformed nonce, even when it is correctly signed', () => {
    const good = input({ key: KEY });
    for (const nonce of [null, '', 'abc', '2E6ECEB5737B473284C930C8EF79090E', '2e6eceb5737b473284c930c8ef79090', '2e6eceb5737b473284c930c8ef79090e0', 'g'.repeat(32)]) {
      const signatureHeader = nonce ? makeSignature(KEY, good.timestamp!, nonce) : good.signatureHeader;
      rejectedWith(verifyRequest({ ...good, nonce, signatureHeader }), 'BAD_NONCE');
    }
  });

  it('rejects a non-empty signature header when no key is configured', () => {
    const signed = input({ key: KEY });
    expect(rejectedWith(verifyRequest({ ...signed, key: undefined }), 'UNEXPECTED_SIGNATURE')).toContain('""');
    rejectedWith(verifyRequest({ ...signed, key: null }), 'UNEXPECTED_SIGNATURE');
    rejectedWith(verifyRequest({ ...input(), signatureHeader: ' ' }), 'UNEXPECTED_SIGNATURE');
    rejectedWith(verifyRequest({ ...input(), signatureHeader: undefined }), 'MISSING_SIGNATURE');
  });

  it('rejects a body that is not JSON or not an array', () => {
    for (const body of ['', 'not json', '{"user_profile":{}}', '"x"', 'null', '42']) {
      rejectedWith(verifyRequest(input({ key: KEY, body })), 'BAD_BODY');
    }
    expect(rejectedWith(verifyRequest(input({ body: JSON.stringify({ users: [] }) })), 'BAD_BODY')).toContain('JSON array');
  });

  it('rejects an empty batch and more than 100 users, accepts exactly 100', () => {
    rejectedWith(verifyRequest(input({ key: KEY, body: '[]' })), 'BAD_BATCH_SIZE');
    const tooMany = JSON.stringify(sampleUsers(MAX_BATCH_SIZE + 1));
    expect(rejectedWith(verifyRequest(input({ key: KEY, body: tooMany })), 'BAD_BATCH_SIZE')).toContain('101');
    expect(verifyRequest(input({ key: KEY, body: serializeBatch(sampleUsers(MAX_BATCH_SIZE)) })).ok).toBe(true);
  });

  it('rejects non-string values and missing sections, naming the culprit', () => {
    const cases: [(u: Record<string, Record<string, unknown>>) => void, string][] = [
      [(u) => (u.params!.amount = 12.5), 'users[1].params.amount must be a string, got a number'],
      [(u) => (u.callback_params!.batchId = null), 'users[1].callback_params.batchId must be a string, got null'],
      [(u) => (u.user_profile!.customer_id = 10086), 'users[1].user_profile.customer_id must be a string, got a number'],
      [(u) => (u.process_info!.groupName = { a: 'b' }), 'users[1].process_info.groupName must be a string, got an object'],
      [(u) => (u.params!.list = ['a']), 'users[1].params.list must be a string, got an array'],
      [(u) => (u.params!.flag = true), 'users[1].params.flag must be a string, got a boolean'],
      [(u) => delete u.process_info, 'users[1].process_info must be an object, got nothing'],
      [(u) => (u.params = [] as unknown as Record<string, unknown>), 'users[1].params must be an object, got an array'],
      [(u) => delete u.user_profile!.customer_id, 'users[1].user_profile.customer_id is missing'],
    ];
    for (const [mutate, message] of cases) {
      const users = JSON.parse(JSON.stringify(sampleUsers(2))) as Record<string, Record<string, unknown>>[];
      mutate(users[1]!);
      expect(rejectedWith(verifyRequest(input({ key: KEY, body: JSON.stringify(users) })), 'BAD_BODY')).toBe(message);
    }
    expect(rejectedWith(verifyRequest(input({ key: KEY, body: '[{"user_profile":{}},"x"]' })), 'BAD_BODY')).toMatch(/^users\[0\]/);
    expect(rejectedWith(verifyRequest(input({ key: KEY, body: '[null]' })), 'BAD_BODY')).toBe('users[0] must be an object, got null');
  });

  it('accepts extra parameters and empty-string values, and a "__proto__" key as plain data', () => {
    const users = JSON.parse(serializeBatch([sampleUser(1)])) as Record<string, Record<string, unknown>>[];
    users[0]!.params = { anything: '', more: 'x' };
    const body = JSON.stringify(users).replace('"anything"', '"__proto__"');
    const result = verifyRequest(input({ key: KEY, body }));
    expect(result.ok).toBe(true);
    expect(({} as Record<string, unknown>).more).toBeUndefined();
  });

  it('checks authentication before it parses the body', () => {
    const good = input({ key: KEY, body: 'not json' });
    rejectedWith(verifyRequest({ ...good, key: 'other' }), 'BAD_SIGNATURE');
  });
});

describe('signedQuery', () => {
  it('reads timestamp and nonce from a path or an absolute URL', () => {
    expect(signedQuery('/hook?tenant=7&timestamp=1631865523&nonce=abc#x')).toEqual({ timestamp: '1631865523', nonce: 'abc' });
    expect(signedQuery('https://h.example/p?nonce=n&timestamp=1')).toEqual({ timestamp: '1', nonce: 'n' });
    expect(signedQuery('/hook')).toEqual({ timestamp: null, nonce: null });
  });
});
