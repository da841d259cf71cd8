import { Worker } from 'node:worker_threads';

/** How often the checkpoint thread copies the WAL into the database file. */
const CHECKPOINT_INTERVAL_MS = 100;

/**
 * WAL pages after which a committing connection checkpoints by itself: the safety net when the
 * checkpoint thread falls behind or dies (about 80 MB at 4 KB pages).
 */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 20_000;

/** A running checkpoint thread. */
export interface WalCheckpointer {
  /** Runs a last checkpoint and ends the thread. */
  stop(): Promise<void>;
}

/**
 * Starts a thread that checkpoints the SQLite database `file` every 100 ms on its own connection.
 * SQLite's automatic checkpoint runs inside the COMMIT of whichever write crosses the threshold,
 * on the event loop, copying pages and waiting on fsync. While other processes kept the disk busy
 * that was half of a 300,000-user task's time (17.8 s with it, 8.4 s without); on a quiet machine
 * it made no measurable difference. On another thread it overlaps with the work either way.
 */
export function startWalCheckpointer(file: string, onError: (message: string) => void): WalCheckpointer {
  const worker = new Worker(new URL('./checkpoint-worker.cjs', import.meta.url), { workerData: { file, intervalMs: CHECKPOINT_INTERVAL_MS } });
  // Never what keeps the process alive; an exit without stop() is reported and the fallback threshold takes over.
  worker.unref();
  let stopping = false;
  worker.on('message', (message: { error?: string }) => {
    if (message.error) onError(message.error);
  });
  worker.on('error', (error) => onError(error.message));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      if (stopping) return exited;
      stopping = true;
      worker.postMessage('stop');
      // The thread closes its connection and answers; terminate in case it is stuck.
      const answered = new Promise<void>((resolve) => worker.once('message', () => resolve()));
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, 2_000).unref());
      await Promise.race([answered, timeout, exited]);
      await worker.terminate();
    },
  };
}
