import { compare } from '../store/queries.js';

/**
 * Count rows of the same key summed into one (their `users` added), in key order: each counter is
 * upserted once per write, and always in the same order, so concurrent writers on PostgreSQL wait
 * for each other instead of deadlocking.
 */
export function sumCounts<T extends { users: number }>(rows: readonly T[], keyOf: (row: T) => string): T[] {
  const sums = new Map<string, T>();
  for (const row of rows) {
    const key = keyOf(row);
    const seen = sums.get(key);
    if (seen) seen.users += row.users;
    else sums.set(key, { ...row });
  }
  return [...sums.keys()].sort(compare).map((key) => sums.get(key)!);
}
