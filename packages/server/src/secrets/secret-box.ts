import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Opened secrets kept in memory per box; past this many the cache starts again. */
const OPENED_CACHE_SIZE = 1000;

/** Encrypts secrets (webhook keys, interface keys) for storage with AES-256-GCM. */
export interface SecretBox {
  /** Seals `plaintext`, bound to `context` (e.g. "webhook:<id>") so a sealed value cannot be moved to another record. */
  seal(plaintext: string, context: string): string;
  /** Opens a value sealed for the same `context`; throws if it was tampered with. */
  open(sealed: string, context: string): string;
}

/** A SecretBox under a 32-byte master key. */
export function createSecretBox(masterKey: Buffer): SecretBox {
  if (masterKey.length !== 32) throw new Error('The master key must be 32 bytes');
  // Opened values by context and sealed text: opening costs about 15 µs of CPU (AES-GCM setup), on every receipt report.
  const opened = new Map<string, string>();
  return {
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
    },
    open(sealed, context) {
      // Every report and batch of a webhook opens the same sealed key; a sealed value holds its own
      // random IV, so a new key is a new entry, never a stale hit.
      const cacheKey = `${context}\u0000${sealed}`;
      const cached = opened.get(cacheKey);
      if (cached !== undefined) return cached;
      const [version, payload] = sealed.split(':', 2);
      if (version !== VERSION || payload === undefined) throw new Error('Unknown sealed secret format');
      const raw = Buffer.from(payload, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', masterKey, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const plaintext = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      if (opened.size >= OPENED_CACHE_SIZE) opened.clear();
      opened.set(cacheKey, plaintext);
      return plaintext;
    },
  };
}

/** Parses a master key given as 64 hex characters or base64 of 32 bytes. */
export function parseMasterKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new Error('HOOKREACH_SECRET_KEY must be 32 bytes, as 64 hex characters or base64');
  return key;
}

/**
 * The master key from HOOKREACH_SECRET_KEY, or from `<dataDir>/secret.key`, which is created
 * (mode 0600) on first start. Processes on several machines must share HOOKREACH_SECRET_KEY.
 */
export function loadMasterKey(secretKey: string | undefined, dataDir: string): Buffer {
  if (secretKey) return parseMasterKey(secretKey);
  const file = path.join(dataDir, 'secret.key');
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    fs.writeFileSync(file, randomBytes(32).toString('hex') + '\n', { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return parseMasterKey(fs.readFileSync(file, 'utf8'));
}
