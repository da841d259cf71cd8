import type { Store } from '../store/database.js';

/** Told the webhooks that just got due work. */
export type EnqueueListener = (webhookIds: readonly string[]) => void;

// Keyed by store so two applications in one process (tests) never wake each other's dispatcher.
const listeners = new WeakMap<Store, Set<EnqueueListener>>();

/** Subscribes to work enqueued on `store` by this process; returns the unsubscribe function. */
export function onEnqueued(store: Store, listener: EnqueueListener): () => void {
  let set = listeners.get(store);
  if (!set) listeners.set(store, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}

/** Wakes this process's dispatchers after a commit that made batches due; other processes find them by polling. */
export function notifyEnqueued(store: Store, webhookIds: readonly string[]): void {
  const set = listeners.get(store);
  if (!set || webhookIds.length === 0) return;
  for (const listener of set) listener(webhookIds);
}
