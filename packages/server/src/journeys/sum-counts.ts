import { compare } from '../shared/compare.js';
import type { JourneyNodeExitRow, JourneyStepRow } from '../store/schema.js';

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

/** Finished node visits counted per node and exit, in key order (see sumCounts). */
export function exitCountsOf(steps: readonly JourneyStepRow[]): JourneyNodeExitRow[] {
  const counts = new Map<string, JourneyNodeExitRow>();
  // Steps come in long runs of one node and exit (a page's users walk together): the last count is checked first.
  let last: JourneyNodeExitRow | undefined;
  for (const step of steps) {
    if (last !== undefined && last.node_id === step.node_id && last.exit === step.exit && last.journey_id === step.journey_id) {
      last.users++;
      continue;
    }
    const key = `${step.journey_id}\u0000${step.node_id}\u0000${step.exit}`;
    last = counts.get(key);
    if (last) last.users++;
    else counts.set(key, (last = { journey_id: step.journey_id, node_id: step.node_id, exit: step.exit, users: 1 }));
  }
  return [...counts.keys()].sort(compare).map((key) => counts.get(key)!);
}
