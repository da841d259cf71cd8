import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../context.js';
import type { Clock } from '../shared/clock.js';
import { onSignal } from '../shared/signals.js';
import { defaultPageSource, type PageSource } from '../tasks/page-source.js';
import { EntryPages, enterAudiencePage } from './enter-audience.js';
import { advanceDue } from './advance-due.js';
import { GraphCache } from './graph-cache.js';
import { Judgments } from './judge-results.js';
import type { RunnerWork } from './runner-work.js';

/** Where the runner reports trouble (pino's signature). */
export interface RunnerLog {
  error(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface JourneyRunnerOptions {
  ctx: AppContext;
  /** Default ctx.clock: decides due times and leases; real timers only pace the loop. */
  clock?: Clock;
  /** Unique among live runners; default `<host>:<pid>:<random>`. */
  workerId?: string;
  /** How often an idle runner looks for work; default config.delivery.pollIntervalMs. */
  pollIntervalMs?: number;
  /** How long claimed work is leased; default 60 s. */
  leaseMs?: number;
  /** Most instances advanced per claim; default 1000. */
  claimLimit?: number;
  /** Where audience entry pages are read and built (the caller closes it); default a thread of the runner's own on a SQLite file store, the event loop otherwise. */
  pages?: PageSource;
  log?: RunnerLog;
}

/** What one round did. */
export interface RoundResult {
  entered: number;
  judged: number;
  advanced: number;
}

const silent: RunnerLog = { error() {}, warn() {} };

/**
 * How long a round keeps entering audience pages (at least one): an audience's users enter several pages
 * at a time while the judgment, the sends and the receipts wait less than a round's worth for their turn.
 */
const ENTRY_ROUND_MS = 40;

/** The pause before a round for signals that arrived during a round that found nothing to do. */
const WAKE_PAUSE_MS = 10;

/**
 * The journey engine of one process: audience entries at their time, judgments as results arrive or
 * wait limits pass, and every due instance moved on (sends, waits, splits, ends). All state is in
 * the store, so a restart resumes where it stopped; claims are leased and writes guarded, so several
 * processes may run it over one database without losing or doubling a timer or a send.
 */
export class JourneyRunner {
  readonly workerId: string;
  private readonly ctx: AppContext;
  private readonly clock: Clock;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private readonly claimLimit: number;
  private readonly log: RunnerLog;
  private readonly graphs: GraphCache;
  private readonly pages: PageSource;
  /** The page source is the runner's own, closed when it stops. */
  private readonly ownsPages: boolean;
  private readonly entryPages: EntryPages;
  /** Where this runner's judgment feeds stand (in memory: a new runner starts with a sweep). */
  private readonly judgments = new Judgments();
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  /** Work was signalled during the round in progress: look again after it. */
  private woken = false;
  /** The delay of the round scheduled last. */
  private delay = 0;
  private unsubscribe: (() => void) | undefined;

  constructor(options: JourneyRunnerOptions) {
    this.ctx = options.ctx;
    this.clock = options.clock ?? options.ctx.clock;
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.pollIntervalMs = options.pollIntervalMs ?? options.ctx.config.delivery.pollIntervalMs;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.claimLimit = options.claimLimit ?? 1000;
    this.log = options.log ?? silent;
    this.graphs = new GraphCache(this.ctx.store.db);
    this.ownsPages = options.pages === undefined;
    this.pages = options.pages ?? defaultPageSource(this.ctx.store, (error) => this.log.warn({ err: error }, 'journeys: the page thread failed; this page is built on the event loop'));
    this.entryPages = new EntryPages(this.pages);
  }

  /**
   * Starts the loop: a round at once, then again at once after a busy round, when this process
   * signals journey work (a publish or resume, entries, a journey batch that ended, receipts of a
   * journey's messages), or after the poll interval.
   */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = onSignal(this.ctx.store, 'journeys', () => this.wake());
    this.schedule(0);
  }

  /** Stops the loop after the round in progress (whose writes are each one transaction). */
  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    clearTimeout(this.timer);
    await this.current;
    if (this.ownsPages) await this.pages.close();
  }

  /** Rounds until nothing is left to do now (for tests and tools, not while started). */
  async runOnce(maxRounds = 10_000): Promise<RoundResult> {
    if (this.running) throw new Error('runOnce() is for a runner that is not started');
    const total: RoundResult = { entered: 0, judged: 0, advanced: 0 };
    for (let i = 0; i < maxRounds; i++) {
      const round = await this.round();
      total.entered += round.entered;
      total.judged += round.judged;
      total.advanced += round.advanced;
      if (round.entered + round.judged + round.advanced === 0) break;
    }
    return total;
  }

  private wake(): void {
    if (!this.running) return;
    if (this.current) {
      this.woken = true;
      return;
    }
    // A round is already due within the coalescing pause: the signal joins it.
    if (this.delay <= WAKE_PAUSE_MS) return;
    clearTimeout(this.timer);
    this.schedule(0);
  }

  private schedule(delay: number): void {
    if (!this.running) return;
    this.delay = delay;
    this.timer = setTimeout(() => {
      this.current = this.round()
        .then((r) => r.entered + r.judged + r.advanced > 0)
        .catch((error: unknown) => {
          this.log.error({ err: error }, 'journey runner round failed');
          return false;
        })
        .then((busy) => {
          this.current = undefined;
          // Signals during a round that found nothing (a journey send ending every few milliseconds)
          // are taken together after a short pause, so they cannot keep the runner spinning.
          const delay = busy ? 0 : this.woken ? WAKE_PAUSE_MS : this.pollIntervalMs;
          this.woken = false;
          this.schedule(delay);
        });
    }, delay);
  }

  /** Pages of due audiences, one after the other for up to ENTRY_ROUND_MS of real time (pacing only, as the loop's timers). */
  private async enterForAWhile(work: RunnerWork): Promise<number> {
    const until = performance.now() + ENTRY_ROUND_MS;
    let entered = 0;
    for (;;) {
      const page = await enterAudiencePage(work);
      entered += page;
      if (page === 0 || performance.now() >= until) return entered;
    }
  }

  /** One round: enter pages of due audiences for a while, judge what can be judged, advance one claim of due instances. */
  private async round(): Promise<RoundResult> {
    const work = { ctx: this.ctx, now: this.clock.now(), owner: this.workerId, leaseMs: this.leaseMs, graphs: this.graphs, entryPages: this.entryPages };
    const entered = await this.enterForAWhile(work);
    const judged = await this.judgments.run(work);
    const advanced = await advanceDue({ ...work, limit: this.claimLimit });
    return { entered, judged, advanced };
  }
}
