import type { Store } from '../store/database.js';
import type { Clock } from '../shared/clock.js';
import { recordAttempts, type AttemptRecord } from './outbox.js';

interface Waiting {
  record: AttemptRecord;
  resolve(applied: boolean): void;
  reject(error: unknown): void;
}

/** Most records per transaction. */
const GROUP_LIMIT = 256;

/**
 * Group commit of attempt records: records that arrive while a transaction runs go together in the
 * next one, so a busy dispatcher writes a few transactions per round instead of one per batch.
 */
export class AttemptRecorder {
  private queue: Waiting[] = [];
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly workerId: string,
  ) {}

  /** Records one attempt; resolves with false when the lease was taken over (nothing written). */
  add(record: AttemptRecord): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      this.flushing ??= this.flush().finally(() => {
        this.flushing = undefined;
      });
    });
  }

  /** Resolves when every record added so far is written (or failed). */
  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flush(): Promise<void> {
    // Let the sends that finish in the same turn join this group.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.queue.length > 0) {
      const group = this.queue.splice(0, GROUP_LIMIT);
      try {
        const applied = await recordAttempts(this.store, { owner: this.workerId }, group.map((w) => w.record), this.clock.now());
        for (const waiting of group) waiting.resolve(applied.has(waiting.record.batchId));
      } catch (error) {
        for (const waiting of group) waiting.reject(error);
      }
    }
  }
}
