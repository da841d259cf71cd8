import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSecretBox, loadMasterKey, parseMasterKey } from '../../src/secrets/secret-box.js';

describe('secret box (AES-256-GCM)', () => {
  const box = createSecretBox(randomBytes(32));

  it('round-trips and never contains the plaintext', () => {
    const sealed = box.seal('my-webhook-key', 'webhook:wh_1');
    expect(sealed.startsWith('v1:')).toBe(true);
    expect(sealed).not.toContain('my-webhook-key');
    expect(box.open(sealed, 'webhook:wh_1')).toBe('my-webhook-key');
  });

  it('seals the same plaintext differently each time', () => {
    expect(box.seal('k', 'c')).not.toBe(box.seal('k', 'c'));
  });

  it('refuses a value moved to another record or tampered with', () => {
    const sealed = box.seal('secret', 'webhook:wh_1');
    expect(() => box.open(sealed, 'webhook:wh_2')).toThrow();
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw[raw.length - 1] = raw[raw.length - 1]! ^ 1;
    expect(() => box.open(`v1:${raw.toString('base64')}`, 'webhook:wh_1')).toThrow();
    expect(() => createSecretBox(randomBytes(32)).open(sealed, 'webhook:wh_1')).toThrow();
  });

  it('refuses a value opened before once it is moved or tampered with (opened values are remembered per context and text)', () => {
    const sealed = box.seal('secret', 'webhook:wh_3');
    expect(box.open(sealed, 'webhook:wh_3')).toBe('secret');
    expect(box.open(sealed, 'webhook:wh_3')).toBe('secret');
    expect(() => box.open(sealed, 'webhook:wh_4')).toThrow();
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw[raw.length - 1] = raw[raw.length - 1]! ^ 1;
    expect(() => box.open(`v1:${raw.toString('base64')}`, 'webhook:wh_3')).toThrow();
    for (let i = 0; i < 1500; i++) box.open(box.seal(`k${i}`, `c${i}`), `c${i}`);
    expect(box.open(sealed, 'webhook:wh_3')).toBe('secret');
  });

  it('takes the master key from the environment as hex or base64', () => {
    const key = randomBytes(32);
    expect(parseMasterKey(key.toString('hex')).equals(key)).toBe(true);
    expect(parseMasterKey(key.toString('base64')).equals(key)).toBe(true);
    expect(() => parseMasterKey('too-short')).toThrow(/32 bytes/);
  });

  it('generates a master key file once (mode 0600) and reuses it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookreach-key-'));
    const first = loadMasterKey(undefined, dir);
    const second = loadMasterKey(undefined, dir);
    expect(first.equals(second)).toBe(true);
    expect(fs.statSync(path.join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    fs.rmSync(dir, { recursive: true });
  });
});
