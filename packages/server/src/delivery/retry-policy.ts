/** Shortest and longest delay a receiver may ask for with Retry-After (Svix clamps the same way). */
export const RETRY_AFTER_MIN_MS = 1_000;
export const RETRY_AFTER_MAX_MS = 3_600_000;

/**
 * Delay before the attempt after failed attempt `attempt` (1-based): the schedule's entry (its last one
 * past the end), moved by ±`jitter` so batches that failed together do not come back together.
 */
export function retryDelayMs(schedule: readonly number[], attempt: number, jitter: number, random: () => number): number {
  if (schedule.length === 0) return 0;
  const base = schedule[Math.min(Math.max(attempt, 1), schedule.length) - 1]!;
  return Math.max(0, Math.round(base * (1 + jitter * (2 * random() - 1))));
}

/** A receiver's Retry-After, clamped so a bogus value neither hammers it nor parks the batch for days. */
export function clampRetryAfter(ms: number): number {
  return Math.min(RETRY_AFTER_MAX_MS, Math.max(RETRY_AFTER_MIN_MS, ms));
}

/** Attempts a batch gets: the first one plus one per scheduled retry. */
export function maxAttemptsOf(schedule: readonly number[]): number {
  return schedule.length + 1;
}
