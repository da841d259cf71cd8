import { describe, expect, it } from 'vitest';
import { encodeRoster, findInRoster, forEachRosterUser, rosterEntries, type RosterEntry } from '../../src/delivery/roster.js';

const ALPHABET = ['a', 'Z', '0', ',', '[', ']', '],[', '","', '"', '\\', ' ', '用', 'ë', '\u0001', '\n', '😀', '\ud800'];

/** A deterministic pseudo-random value of up to 6 characters from ALPHABET. */
function valueOf(seed: number): string {
  let text = '';
  for (let n = seed % 7, x = seed; n > 0; n--, x = Math.floor(x / 7) + n * 31) text += ALPHABET[x % ALPHABET.length];
  return text;
}

describe('rosters', () => {
  it('reads back exactly what was encoded, whatever the values hold', () => {
    const entries: RosterEntry[] = Array.from({ length: 500 }, (_, i) => [`act_${i}`, valueOf(i * 13 + 1), valueOf(i * 7 + 2), valueOf(i * 11 + 3)]);
    expect(rosterEntries(encodeRoster(entries))).toEqual(entries);
    for (const entry of entries) expect(rosterEntries(encodeRoster([entry, entry]))).toEqual([entry, entry]);
  });

  it('reads plain and non-ASCII rosters, the empty one, SQLite json_group_array output and parsed jsonb', () => {
    const plain: RosterEntry[] = [['act_1', 'c1', 'OPEN_ID', 'o1'], ['act_2', 'Zoë 用户', 'MOBILE', '138']];
    expect(rosterEntries(encodeRoster(plain))).toEqual(plain);
    expect(rosterEntries('[]')).toEqual([]);
    expect(rosterEntries('[["act_1","c,1","OPEN_ID","]"]]')).toEqual([['act_1', 'c,1', 'OPEN_ID', ']']]);
    expect(rosterEntries(plain)).toBe(plain);
    // Not a shape the engine writes (no roster value is null), but one a quote count alone would misread.
    const nulls = '[["a",null,"c","d"],["e","f",null,"h"],["i","j","k",null],["l",null,"n","o"]]';
    expect(rosterEntries(nulls)).toEqual(JSON.parse(nulls));
  });

  it('visits each user\'s action id and customer id as the whole parse reads them, text or parsed', () => {
    const users = (roster: unknown) => {
      const seen: [string, string][] = [];
      forEachRosterUser(roster, (actionId, customerId) => seen.push([actionId, customerId]));
      return seen;
    };
    const entries: RosterEntry[] = Array.from({ length: 300 }, (_, i) => [`act_${i}`, valueOf(i * 13 + 1), valueOf(i * 7 + 2), valueOf(i * 11 + 3)]);
    const plain: RosterEntry[] = Array.from({ length: 100 }, (_, i) => [`act_${i}`, `Zoë 用户 ${i}`, 'OPEN_ID', `o${i}`]);
    // Split at quotes (plain), parsed (escapes), already parsed (jsonb), empty, and a shape only JSON.parse reads.
    for (const roster of [encodeRoster(plain), encodeRoster(entries), entries, '[]', '[["a",null,"c","d"]]']) {
      const parsed = typeof roster === 'string' ? (JSON.parse(roster) as RosterEntry[]) : roster;
      expect(users(roster)).toEqual(parsed.map(([actionId, customerId]) => [actionId, customerId]));
    }
  });

  it('finds single entries in the text as the whole parse does', () => {
    const entries: RosterEntry[] = Array.from({ length: 50 }, (_, i) => [`act_${i}`, valueOf(i * 17 + 5), 'OPEN_ID', valueOf(i * 3 + 4)]);
    const text = encodeRoster(entries);
    expect(findInRoster(text, new Set(['act_3', 'act_40', 'act_none']))).toEqual([entries[3], entries[40]]);
  });
});
