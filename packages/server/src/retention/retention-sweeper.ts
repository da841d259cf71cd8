import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../context.js';
import { sweepRetention } from './sweep-retention.js';

/** Runs `sweepRetention` every `retention.sweepIntervalMs` in this process; a slow sweep is never overlapped. */
export class RetentionSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly log?: FastifyBaseLogger,
  ) {}

  /** Starts sweeping; the first sweep runs after one interval, not during start-up. */
  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep().finally(() => {
        this.running = undefined;
      });
    }, this.ctx.config.retention.sweepIntervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a sweep in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async sweep(): Promise<void> {
    try {
      const result = await sweepRetention(this.ctx.store, this.ctx.config.retention, this.ctx.clock.now());
      if (Object.values(result).some((n) => n > 0)) this.log?.info({ purged: result }, 'retention sweep');
    } catch (error) {
      // A failed sweep (database restarting) is retried at the next interval; delivery is unaffected.
      this.log?.warn({ err: error }, 'retention sweep failed');
    }
  }
}
