import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * `count` new receipt ids in the format of `newId('rc', nowMs)`, drawing the random part with one
 * randomBytes call for the whole report instead of one per receipt.
 */
export function newReceiptIds(count: number, nowMs: number): string[] {
  let time = '';
  let t = nowMs;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const prefix = `rc_${time}`;
  const bytes = randomBytes(16 * count);
  const ids: string[] = new Array<string>(count);
  for (let n = 0; n < count; n++) {
    let random = '';
    for (let i = 16 * n; i < 16 * n + 16; i++) random += ALPHABET[bytes[i]! & 31];
    ids[n] = prefix + random;
  }
  return ids;
}
