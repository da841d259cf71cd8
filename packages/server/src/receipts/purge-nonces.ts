import type { Store } from '../store/database.js';
import { purgeExpiredNonces } from './store.js';

/** Expired nonces deleted per purge: one bounded index range, whatever the table holds. */
export const NONCE_PURGE_LIMIT = 1000;
/** At most one purge per store and second: up to 1,000 expired nonces a second, far above one nonce per report. */
const PURGE_INTERVAL_MS = 1000;

const lastPurge = new WeakMap<Store, number>();

/**
 * Deletes a bounded batch of expired nonces, at most once a second per store (the table stays
 * small without a timer or a full scan on the report path). Correctness does not depend on it:
 * an expired nonce still in the table is taken over by the next report that uses it.
 */
export async function purgeNoncesNowAndThen(store: Store, now: number): Promise<void> {
  const last = lastPurge.get(store);
  if (last !== undefined && now - last < PURGE_INTERVAL_MS && now >= last) return;
  lastPurge.set(store, now);
  const deleted = await purgeExpiredNonces(store.db, now, NONCE_PURGE_LIMIT);
  // A full batch means more are waiting: allow the next report to continue.
  if (deleted === NONCE_PURGE_LIMIT) lastPurge.delete(store);
}
