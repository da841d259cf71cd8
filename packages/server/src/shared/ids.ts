import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** Every pair of ALPHABET characters, by their 10-bit value. */
const PAIRS: readonly string[] = Array.from({ length: 1024 }, (_, n) => ALPHABET[n >>> 5]! + ALPHABET[n & 31]!);

function timePart(nowMs: number): string {
  let time = '';
  let t = nowMs;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return time;
}

/** Ids counted per call in the last 6 characters (30 bits); larger calls are made in parts. */
const COUNTED = 2 ** 30;
const MOST_PER_PART = 2 ** 24;

/**
 * `count` new identifiers: a resource prefix and a time-ordered, 26-character Crockford base32 ULID
 * (10 time characters, 16 random ones). As ULID's monotonic mode does, the call draws its random
 * part once and counts up from it (10 random characters, then 6 that start at a random value), so
 * the ids come out sorted, a bulk insert appends to its indexes in order, and no sort is needed.
 */
export function newIds(prefix: string, count: number, nowMs = Date.now()): string[] {
  if (count > MOST_PER_PART) return [...newIds(prefix, MOST_PER_PART, nowMs), ...newIds(prefix, count - MOST_PER_PART, nowMs)].sort();
  const random = randomBytes(14);
  let head = `${prefix}_${timePart(nowMs)}`;
  for (let i = 0; i < 10; i++) head += ALPHABET[random[i]! & 31];
  const start = random.readUInt32BE(10) % (COUNTED - count + 1);
  const ids: string[] = new Array<string>(count);
  // The id up to its last two characters changes once in 1,024 ids: joined once, then one join per id.
  let upper = -1;
  let stem = '';
  for (let i = 0; i < count; i++) {
    const n = start + i;
    if (n >>> 10 !== upper) {
      upper = n >>> 10;
      stem = head + PAIRS[(n >>> 20) & 1023]! + PAIRS[upper & 1023]!;
    }
    ids[i] = stem + PAIRS[n & 1023]!;
  }
  return ids;
}

/** A new identifier: a resource prefix and a time-ordered ULID. */
export function newId(prefix: string, nowMs = Date.now()): string {
  return newIds(prefix, 1, nowMs)[0]!;
}

/** The lowest identifier of `prefix` made at `ms`: every one made earlier sorts below it. */
export function firstIdAt(prefix: string, ms: number): string {
  return `${prefix}_${timePart(ms)}`;
}
