/** What a masked secret reads as. */
export const MASK = '***';

// Names are compared lower-cased without separators, so `keySealed`, `key_sealed` and `KEY-SEALED` are one name.
// A name ending in a secret word (`interfaceKey`, `clientSecret`) counts too; `keySet` and `tokenPrefix` do not.
const SECRET_NAME = /(key|secret|token|password|passwd|keysealed|tokenhash|passwordhash)$/;

/** Whether a property of that name may hold a secret. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name.toLowerCase().replace(/[^a-z0-9]/g, ''));
}

/**
 * A copy of `value` with every property named like a secret replaced by "***", at any depth.
 * Defensive: callers already leave secrets out, but a snapshot that forgets one must not leak it.
 * A null or absent secret stays null, so the log still tells "no key" from "a key".
 */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value === null || typeof value !== 'object') return value;
  const masked: Record<string, unknown> = {};
  for (const [name, inner] of Object.entries(value)) {
    masked[name] = isSecretName(name) && inner !== null && inner !== undefined ? MASK : maskSecrets(inner);
  }
  return masked;
}
