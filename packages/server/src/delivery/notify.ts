import { onSignal, raiseSignal } from '../shared/signals.js';
import type { Store } from '../store/database.js';

/** Told the webhooks that just got due work. */
export type EnqueueListener = (webhookIds: readonly string[]) => void;

/** Subscribes to work enqueued on `store` by this process; returns the unsubscribe function. */
export function onEnqueued(store: Store, listener: EnqueueListener): () => void {
  return onSignal(store, 'enqueued', listener);
}

/** Wakes this process's dispatchers after a commit that made batches due; other processes find them by polling. */
export function notifyEnqueued(store: Store, webhookIds: readonly string[]): void {
  if (webhookIds.length > 0) raiseSignal(store, 'enqueued', webhookIds);
}
