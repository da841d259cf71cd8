import { createHash, randomBytes } from 'node:crypto';

const TOKEN_PREFIX = 'hrk_';

/** A new API token: a recognisable prefix and 32 random bytes. */
export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** The stored form of a token. Tokens are long and random, so a plain SHA-256 is enough. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The part of a token shown in lists so an owner can tell tokens apart. */
export function tokenPrefix(token: string): string {
  return token.slice(0, TOKEN_PREFIX.length + 6);
}
