import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../context.js';
import type { Clock } from '../shared/clock.js';
import { DEFAULT_CIRCUIT, type CircuitSettings, type CircuitSnapshot } from './circuit-breaker.js';
import { WebhookLane } from './lane.js';
import { onEnqueued } from './notify.js';
import { lostAttemptRecord, recordOf, unsendableOutcome, type RetryPolicy } from './attempt-records.js';
import { claimBatches, findExpiredLeases, findWebhooksWithDueWork, recordAttempts, releaseLeases, type AttemptRecord, type ClaimedBatch } from './outbox.js';
import { AttemptRecorder } from './recorder.js';
import { sendToWebhook, type SendOutcome } from './send-to-webhook.js';
import { toWebhookTarget, type WebhookTarget } from './webhook-target.js';
import { raiseSignal } from '../shared/signals.js';

/** Where the dispatcher reports trouble (pino's signature, so the server passes its logger). */
export interface DispatcherLog {
  error(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface DispatcherOptions {
  ctx: AppContext;
  /** Default ctx.clock. Decides due times, leases, tokens and circuits; real timers only pace the loop. */
  clock?: Clock;
  /** Unique among live workers; default `<host>:<pid>:<random>`. */
  workerId?: string;
  /** Requests in flight at once in this process; default config.delivery.concurrency. */
  concurrency?: number;
  /** How long a claim is leased; at least a webhook's timeout plus 500 ms. Default 30 s. */
  leaseMs?: number;
  /** How often an idle dispatcher looks for due batches and expired leases; default config.delivery.pollIntervalMs. */
  pollIntervalMs?: number;
  /** Default config.delivery.retryScheduleMs (attempt limits are stored per batch at enqueue). */
  retryScheduleMs?: readonly number[];
  /** Default config.delivery.retryJitter. */
  retryJitter?: number;
  /** Default Math.random; tests pass () => 0.5 for no jitter. */
  random?: () => number;
  circuit?: Partial<CircuitSettings>;
  log?: DispatcherLog;
}

export const DEFAULT_LEASE_MS = 30_000;
/** Time after a request's timeout for recording its outcome before the lease runs out. */
const LEASE_MARGIN_MS = 500;
/** Most batches claimed by one statement. */
const MAX_CLAIM = 100;
/** Most expired leases recovered per poll. */
const RECOVER_LIMIT = 100;
/** Longest request timeout a webhook may have: how long a graceful stop waits by default. */
const MAX_TIMEOUT_MS = 10_000;

const silent: DispatcherLog = { error() {}, warn() {} };

/**
 * The delivery engine of one process: claims due batches from the outbox per webhook (with a lease),
 * sends them within each webhook's concurrency, rate and circuit limits, and records every attempt.
 * Safe to run in several processes over one database: claims skip locked rows on PostgreSQL and every
 * record is guarded by the lease owner.
 */
export class Dispatcher {
  readonly workerId: string;
  private readonly ctx: AppContext;
  private readonly clock: Clock;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly pollIntervalMs: number;
  private readonly retryPolicy: RetryPolicy;
  private readonly circuitSettings: CircuitSettings;
  private readonly log: DispatcherLog;
  private readonly recorder: AttemptRecorder;
  private readonly lanes = new Map<string, WebhookLane>();
  private readonly sends = new Set<Promise<void>>();
  private readonly controllers = new Set<AbortController>();
  private inFlight = 0;
  private running = false;
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  private pumping: Promise<void> | undefined;
  private pumpAgain = false;
  private discoverNext = false;
  private nextPollAt = 0;
  private unsubscribe: (() => void) | undefined;

  constructor(options: DispatcherOptions) {
    const delivery = options.ctx.config.delivery;
    this.ctx = options.ctx;
    this.clock = options.clock ?? options.ctx.clock;
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.concurrency = options.concurrency ?? delivery.concurrency;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.pollIntervalMs = options.pollIntervalMs ?? delivery.pollIntervalMs;
    this.retryPolicy = {
      scheduleMs: options.retryScheduleMs ?? delivery.retryScheduleMs,
      jitter: options.retryJitter ?? delivery.retryJitter,
      random: options.random ?? Math.random,
    };
    this.circuitSettings = { ...DEFAULT_CIRCUIT, ...options.circuit };
    this.log = options.log ?? silent;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) throw new RangeError('concurrency must be a positive integer');
    if (!(this.leaseMs >= 1000)) throw new RangeError('leaseMs must be at least 1000');
    this.recorder = new AttemptRecorder(this.ctx.store, this.clock, this.workerId);
  }

  /** Starts the loop: wakes on this process's enqueues, when capacity frees up, and every poll interval. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = onEnqueued(this.ctx.store, () => this.pump(true));
    this.pump(true);
  }

  /**
   * Graceful stop: no new claims; in-flight requests get `graceMs` (default the longest webhook
   * timeout) to finish and be recorded, then are aborted and their leases released (due now, the
   * unfinished attempt not counted).
   */
  async stop(graceMs = MAX_TIMEOUT_MS + LEASE_MARGIN_MS): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    clearTimeout(this.timer);
    this.unsubscribe?.();
    while (this.pumping) await this.pumping;
    const all = Promise.allSettled([...this.sends]);
    let graceTimer: NodeJS.Timeout | undefined;
    const inTime = await Promise.race([all.then(() => true), new Promise<boolean>((resolve) => (graceTimer = setTimeout(() => resolve(false), graceMs)))]);
    clearTimeout(graceTimer);
    if (!inTime) {
      for (const controller of this.controllers) controller.abort();
      await all;
    }
    await this.recorder.idle();
    this.running = false;
    this.stopping = false;
  }

  /** One round (for tests and tools, not while started): recover, discover, claim and send; resolves when those sends are recorded. */
  async runOnce(): Promise<number> {
    if (this.running) throw new Error('runOnce() is for a dispatcher that is not started');
    const sends = await this.round(true);
    await Promise.all(sends);
    return sends.length;
  }

  /** Rounds until nothing is due at the clock's current time; returns the batches sent. */
  async drain(maxRounds = 10_000): Promise<number> {
    let total = 0;
    for (let round = 0; round < maxRounds; round++) {
      const sent = await this.runOnce();
      if (sent === 0) break;
      total += sent;
    }
    return total;
  }

  /** A webhook's circuit, once this dispatcher has seen the webhook. */
  circuitState(webhookId: string): CircuitSnapshot | undefined {
    return this.lanes.get(webhookId)?.circuit.snapshot(this.clock.now());
  }

  /** Every known webhook's circuit, by webhook id (for metrics). */
  circuitStates(): Map<string, CircuitSnapshot> {
    const now = this.clock.now();
    return new Map([...this.lanes].map(([id, lane]) => [id, lane.circuit.snapshot(now)]));
  }

  /** Requests in flight in this process. */
  get activeRequests(): number {
    return this.inFlight;
  }

  // ---- the loop ----

  private pump(discover = false): void {
    if (!this.running || this.stopping) return;
    this.discoverNext ||= discover;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = (async () => {
      do {
        this.pumpAgain = false;
        const poll = this.discoverNext || performance.now() >= this.nextPollAt;
        this.discoverNext = false;
        if (poll) this.nextPollAt = performance.now() + this.pollIntervalMs;
        try {
          await this.round(poll);
        } catch (error) {
          this.log.error({ err: error }, 'delivery: a dispatch round failed; retrying at the next poll');
          break;
        }
      } while (this.pumpAgain && this.running && !this.stopping);
    })().finally(() => {
      this.pumping = undefined;
      this.arm();
    });
  }

  /** Sleeps until the next poll, or sooner when a webhook with work only waits for a token. */
  private arm(): void {
    if (!this.running || this.stopping) return;
    clearTimeout(this.timer);
    const now = this.clock.now();
    let delay = this.nextPollAt - performance.now();
    for (const lane of this.lanes.values()) {
      if (lane.hasWork && lane.inFlight < lane.target.maxConcurrency && lane.circuit.allowance(now, lane.inFlight) > 0) {
        delay = Math.min(delay, lane.bucket.msUntilNext(now));
      }
    }
    this.timer = setTimeout(() => this.pump(), Math.max(1, Math.ceil(delay)));
  }

  /** Recovery and discovery (when polling), then claims; returns the started sends. */
  private async round(poll: boolean): Promise<Promise<void>[]> {
    if (poll) {
      const now = this.clock.now();
      await this.recoverExpiredLeases(now);
      await this.discover(now);
    }
    return this.fill();
  }

  /** Marks which webhooks have due work and refreshes targets whose version changed. */
  private async discover(now: number): Promise<void> {
    const due = await findWebhooksWithDueWork(this.ctx.store.db, this.ctx.store.dialect, now);
    const dueIds = new Set(due.map((w) => w.id));
    for (const lane of this.lanes.values()) if (!dueIds.has(lane.target.id)) lane.hasWork = false;
    const stale = due.filter((w) => this.lanes.get(w.id)?.target.version !== w.version).map((w) => w.id);
    if (stale.length > 0) {
      const rows = await this.ctx.store.db.selectFrom('webhooks').selectAll().where('id', 'in', stale).execute();
      for (const row of rows) {
        let target: WebhookTarget;
        try {
          target = toWebhookTarget(this.ctx, row);
        } catch (error) {
          // Its key cannot be opened (another master key?): its batches wait rather than fail.
          this.log.error({ err: error, webhookId: row.id }, 'delivery: cannot load the webhook; its batches wait');
          dueIds.delete(row.id);
          continue;
        }
        const lane = this.lanes.get(row.id);
        if (lane) lane.update(target, now);
        else this.lanes.set(row.id, new WebhookLane(target, now, this.circuitSettings));
      }
    }
    for (const id of dueIds) {
      const lane = this.lanes.get(id);
      if (lane && lane.target.enabled) lane.hasWork = true;
    }
  }

  /** Claims for every webhook with work, sharing this process's capacity fairly among them. */
  private async fill(): Promise<Promise<void>[]> {
    const started: Promise<void>[] = [];
    let progress = true;
    while (progress && this.inFlight < this.concurrency && !this.stopping) {
      progress = false;
      const ready = [...this.lanes.values()].filter((lane) => lane.hasWork);
      if (ready.length === 0) break;
      const share = Math.ceil((this.concurrency - this.inFlight) / ready.length);
      for (const lane of ready) {
        const now = this.clock.now();
        const wanted = Math.min(lane.capacity(now), this.concurrency - this.inFlight, share, MAX_CLAIM);
        if (wanted <= 0) continue;
        const claimed = await this.claim(lane, wanted, now);
        for (const batch of claimed) started.push(this.track(this.send(lane, batch)));
        if (claimed.length > 0) progress = true;
      }
    }
    return started;
  }

  private async claim(lane: WebhookLane, wanted: number, now: number): Promise<ClaimedBatch[]> {
    lane.reserve(wanted, now);
    this.inFlight += wanted;
    let claimed: ClaimedBatch[] = [];
    try {
      claimed = await claimBatches(this.ctx.store, {
        webhookId: lane.target.id,
        workerId: this.workerId,
        now,
        leaseExpiresAt: now + Math.max(this.leaseMs, lane.target.timeoutMs + LEASE_MARGIN_MS),
        limit: wanted,
        limits: { webhookId: lane.target.id, maxConcurrency: lane.target.maxConcurrency, maxPerSecond: lane.target.maxPerSecond },
      });
    } finally {
      const unused = wanted - claimed.length;
      if (unused > 0) {
        lane.unreserve(unused);
        this.inFlight -= unused;
        lane.hasWork = false;
      }
    }
    return claimed;
  }

  private track(send: Promise<void>): Promise<void> {
    this.sends.add(send);
    void send.finally(() => this.sends.delete(send));
    return send;
  }

  /** Sends one claimed batch and records the attempt; never rejects. */
  private async send(lane: WebhookLane, batch: ClaimedBatch): Promise<void> {
    const controller = new AbortController();
    this.controllers.add(controller);
    const startedAt = this.clock.now();
    let outcome: SendOutcome;
    let unsendable = false;
    try {
      outcome = await sendToWebhook({
        target: lane.target,
        body: batch.body,
        environment: {
          workspaceId: batch.workspace_id,
          runKind: batch.run_kind as 'task' | 'journey',
          taskId: batch.task_id,
          journeyId: batch.journey_id,
          nodeId: batch.node_id,
          webhookId: batch.webhook_id,
        },
        nowMs: startedAt,
        dispatcher: this.ctx.outbound,
        signal: controller.signal,
      });
    } catch (error) {
      unsendable = true;
      outcome = unsendableOutcome(error, startedAt);
    } finally {
      this.controllers.delete(controller);
    }
    const aborted = controller.signal.aborted;
    const now = this.clock.now();
    if (!aborted && !unsendable) {
      if (outcome.success || !outcome.retryable) lane.circuit.onAnswered();
      else lane.circuit.onRetryableFailure(now);
    }
    lane.inFlight--;
    this.inFlight--;
    try {
      if (aborted) await releaseLeases(this.ctx.store, this.workerId, [batch.id], now);
      else {
        const record = this.counted(batch, recordOf(batch, outcome, now, this.retryPolicy));
        if (!(await this.recorder.add(record))) {
          this.log.warn({ batchId: batch.id, workerId: this.workerId }, 'delivery: the lease was taken over; this attempt was not recorded');
        } else if (batch.journey_id !== null && record.next.status !== 'pending') {
          // Its users' send result is known: a judgment may decide them at once.
          raiseSignal(this.ctx.store, 'journeys');
        }
      }
    } catch (error) {
      // The batch stays leased; once the lease expires, a worker sends it again.
      this.log.error({ err: error, batchId: batch.id }, 'delivery: could not record an attempt');
    }
    this.pump();
  }

  /** Counts an attempt in the metrics as it is recorded. */
  private counted(batch: ClaimedBatch, record: AttemptRecord): AttemptRecord {
    const outcome = record.next.status === 'pending' ? 'retry' : record.next.status;
    this.ctx.metrics.attempt(outcome, batch.user_count, record.latencyMs / 1000);
    return record;
  }

  /**
   * Batches whose worker died (or hung past its lease) go back to pending, due now; the lost attempt
   * counts, recorded with an unknown outcome, so a batch that keeps killing workers ends up failed.
   */
  private async recoverExpiredLeases(now: number): Promise<void> {
    const expired = await findExpiredLeases(this.ctx.store.db, this.ctx.store.dialect, now, RECOVER_LIMIT);
    if (expired.length === 0) return;
    const records = expired.map((row) => lostAttemptRecord(row, now));
    const recovered = await recordAttempts(this.ctx.store, { expiredBy: now }, records, now);
    if (recovered.size > 0) this.log.warn({ count: recovered.size }, 'delivery: recovered batches whose lease expired');
  }
}
