import type { RetentionConfig } from '../config.js';
import type { Store } from '../store/database.js';
import { purgeAttempts, purgePayloads, purgeReceipts, purgeTestSends } from './store.js';

/** Rows (batches, for payloads and attempts) deleted per statement: one short write, then delivery gets the database back. */
export const PURGE_LIMIT = 1000;
/** Statements per kind and sweep: a backlog drains over several sweeps instead of holding the database. */
export const ROUNDS_PER_SWEEP = 20;

/** What one sweep deleted, per kind. */
export interface SweepResult {
  payloads: number;
  attempts: number;
  testSends: number;
  /** Rows of receipts: each holds one report's receipts about one batch. */
  receipts: number;
}

type Purge = (db: Store['db'], before: number, limit: number) => Promise<number>;

const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/** How much one sweep may delete: `limit` rows per statement, `rounds` statements per kind. */
export interface SweepBounds {
  limit: number;
  rounds: number;
}

async function drain(store: Store, purge: Purge, keepMs: number | null, now: number, { limit, rounds }: SweepBounds): Promise<number> {
  if (keepMs === null) return 0;
  let total = 0;
  for (let round = 0; round < rounds; round++) {
    const deleted = await purge(store.db, now - keepMs, limit);
    total += deleted;
    if (deleted < limit) break;
    await yieldToOthers();
  }
  return total;
}

/**
 * Purges what is older than its retention window, in bounded statements: bodies of finished
 * batches, delivery attempts, test sends (with their logs) and receipts. Batch rows and per-user
 * rows stay, so task and journey counts survive their payloads. Safe to run from many processes.
 */
export async function sweepRetention(
  store: Store,
  retention: RetentionConfig,
  now: number,
  bounds: SweepBounds = { limit: PURGE_LIMIT, rounds: ROUNDS_PER_SWEEP },
): Promise<SweepResult> {
  return {
    payloads: await drain(store, purgePayloads, retention.payloadsMs, now, bounds),
    attempts: await drain(store, purgeAttempts, retention.logsMs, now, bounds),
    testSends: await drain(store, purgeTestSends, retention.logsMs, now, bounds),
    receipts: await drain(store, purgeReceipts, retention.receiptsMs, now, bounds),
  };
}
