import type { Store } from '../store/database.js';

/** What each signal carries: the webhooks that got due batches, or nothing (work of that kind may be due). */
export interface Signals {
  /** Batches became due (webhook ids): the dispatcher claims them. */
  enqueued: readonly string[];
  /** A task was created: the task runner looks for due tasks. */
  tasks: undefined;
  /** A journey was published or resumed, users entered, a journey batch ended or its receipts arrived: the journey runner looks. */
  journeys: undefined;
}

type Listener<K extends keyof Signals> = (payload: Signals[K]) => void;

// Keyed by store, so two applications in one process (tests) never wake each other's loops.
const listeners = new WeakMap<Store, Map<keyof Signals, Set<(payload: never) => void>>>();

/**
 * Subscribes to `kind` signals raised on `store` by this process; returns the unsubscribe
 * function. Other processes sharing the database find the same work by polling.
 */
export function onSignal<K extends keyof Signals>(store: Store, kind: K, listener: Listener<K>): () => void {
  let byKind = listeners.get(store);
  if (!byKind) listeners.set(store, (byKind = new Map()));
  let set = byKind.get(kind);
  if (!set) byKind.set(kind, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}

/** Wakes this process's loops of `kind`; raise it after the commit that made the work visible. */
export function raiseSignal<K extends keyof Signals>(store: Store, kind: K, ...payload: Signals[K] extends undefined ? [] : [Signals[K]]): void {
  const set = listeners.get(store)?.get(kind) as Set<Listener<K>> | undefined;
  if (!set) return;
  for (const listener of set) listener(payload[0] as Signals[K]);
}
