import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { javaUtf8, makeSignature, newNonce, signaturePayload, unixSeconds, verifySignature } from '../src/index.js';

interface Vector {
  name?: string;
  key: string;
  timestamp: string;
  nonce: string;
  signed?: string;
  signature: string;
}

// packages/protocol/test -> repo root -> its sibling shared/ (in CI a fresh clone gets shared/ copied beside it).
const SHARED = new URL('../../../../shared/protocol/signature-vectors.json', import.meta.url);
const FIXTURE = new URL('./fixtures/java-signature-vectors.json', import.meta.url);

function loadVectors(url: URL): Vector[] {
  const path = fileURLToPath(url);
  if (!existsSync(path)) {
    throw new Error(`signature vectors not found at ${path}; the shared/ folder must sit beside the repository root`);
  }
  const vectors = (JSON.parse(readFileSync(path, 'utf8')) as { vectors: Vector[] }).vectors;
  if (!Array.isArray(vectors) || vectors.length === 0) throw new Error(`no vectors in ${path}`);
  return vectors;
}

const javaVectors = loadVectors(FIXTURE);

describe('makeSignature', () => {
  it('matches every vector of the shared file computed by the Java sample', () => {
    const vectors = loadVectors(SHARED);
    expect(vectors.length).toBeGreaterThanOrEqual(2);
    for (const v of vectors) {
      expect(makeSignature(v.key, v.timestamp, v.nonce), JSON.stringify(v.key)).toBe(v.signature);
    }
  });

  it.each(javaVectors.map((v) => [v.name ?? v.key, v] as const))('matches Java: %s', (_name, v) => {
    expect(signaturePayload(v.key, v.timestamp, v.nonce)).toBe(v.signed);
    expect(makeSignature(v.key, v.timestamp, v.nonce)).toBe(v.signature);
  });

  it('has the Java fixture cover whitespace, non-Java spaces, surrogates and long keys', () => {
    const keys = javaVectors.map((v) => v.key);
    for (const ch of ['\t', '\n', '\u000B', '\f', '\r', '\u00A0', '\u3000', '\u2028', '\uD83D\uDE00']) {
      expect(keys.some((k) => k.includes(ch)), JSON.stringify(ch)).toBe(true);
    }
    expect(keys.some((k) => /[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(k))).toBe(true);
    expect(keys.some((k) => Buffer.byteLength(k) > 64)).toBe(true);
    expect(javaVectors.length).toBeGreaterThanOrEqual(17);
  });

  it('accepts a numeric timestamp like its decimal string', () => {
    const v = javaVectors[0]!;
    expect(makeSignature(v.key, Number(v.timestamp), v.nonce)).toBe(v.signature);
  });

  it('keeps Unicode spaces that JavaScript \\s would strip', () => {
    expect(signaturePayload('a\u00A0\u3000\u2028\uFEFFb', '1', '2')).toBe('12a\u00A0\u3000\u2028\uFEFFb');
    expect(signaturePayload('a \t\n\u000B\f\rb', '1', '2')).toBe('12ab');
  });

  it('rejects an empty key, as Java does', () => {
    expect(() => makeSignature('', '1631865523', 'n')).toThrow(RangeError);
  });
});

describe('javaUtf8', () => {
  it('encodes lone surrogates as "?" and pairs as 4 bytes', () => {
    expect(javaUtf8('a\uD83Db').toString('hex')).toBe('613f62');
    expect(javaUtf8('\uDE00\uD83D').toString('hex')).toBe('3f3f');
    expect(javaUtf8('\uD83D\uD83D\uDE00').toString('hex')).toBe('3ff09f9880');
    expect(javaUtf8('é').toString('hex')).toBe('c3a9');
  });
});

describe('verifySignature', () => {
  const v = javaVectors[0]!;

  it('accepts the right signature in either hex case', () => {
    expect(verifySignature(v.key, v.timestamp, v.nonce, v.signature)).toBe(true);
    expect(verifySignature(v.key, v.timestamp, v.nonce, v.signature.toUpperCase())).toBe(true);
  });

  it('rejects wrong values, lengths and inputs', () => {
    const flipped = (v.signature[0] === '0' ? '1' : '0') + v.signature.slice(1);
    expect(verifySignature(v.key, v.timestamp, v.nonce, flipped)).toBe(false);
    expect(verifySignature(v.key, v.timestamp, v.nonce, v.signature.slice(0, 62))).toBe(false);
    expect(verifySignature(v.key, v.timestamp, v.nonce, `${v.signature}00`)).toBe(false);
    expect(verifySignature(v.key, v.timestamp, v.nonce, '')).toBe(false);
    expect(verifySignature(v.key, v.timestamp, v.nonce, 'z'.repeat(64))).toBe(false);
    expect(verifySignature(`${v.key}x`, v.timestamp, v.nonce, v.signature)).toBe(false);
    expect(verifySignature(v.key, '1631865524', v.nonce, v.signature)).toBe(false);
    expect(verifySignature('', v.timestamp, v.nonce, v.signature)).toBe(false);
    expect(verifySignature(v.key, v.timestamp, undefined as unknown as string, v.signature)).toBe(false);
  });
});

describe('newNonce and unixSeconds', () => {
  it('makes 32 lowercase hex characters, different each time', () => {
    const nonces = new Set(Array.from({ length: 50 }, () => newNonce()));
    expect(nonces.size).toBe(50);
    for (const n of nonces) expect(n).toMatch(/^[0-9a-f]{32}$/);
  });

  it('truncates milliseconds to whole seconds', () => {
    expect(unixSeconds(1631865523999)).toBe(1631865523);
    expect(unixSeconds(1631865523000)).toBe(1631865523);
    const now = unixSeconds();
    expect(Math.abs(now - Date.now() / 1000)).toBeLessThan(2);
  });
});
