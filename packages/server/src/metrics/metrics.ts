import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Store } from '../store/database.js';
import type { Clock } from '../shared/clock.js';
import type { CircuitSnapshot } from '../delivery/circuit-breaker.js';

/** How an attempt ended, as the metrics label it. */
export type AttemptOutcome = 'succeeded' | 'retry' | 'failed';

/** What a receipt became: stored, acknowledged as a repeat, or refused. */
export type ReceiptOutcome = 'stored' | 'repeated' | 'rejected';

const CIRCUIT_VALUE: Record<CircuitSnapshot['state'], number> = { closed: 0, 'half-open': 1, open: 2 };

/**
 * The process's Prometheus metrics (one registry per application, so tests stay apart). Counters
 * count what this process did; the queue gauges read the store at scrape time, so they describe the
 * whole outbox whichever process is scraped.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly batches: Counter<'outcome'>;
  private readonly users: Counter<'outcome'>;
  private readonly attemptSeconds: Histogram<'outcome'>;
  private readonly receipts: Counter<'outcome'>;
  private circuits: () => Map<string, CircuitSnapshot> = () => new Map();

  constructor(store: Store, clock: Clock) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'hookreach_' });
    this.batches = new Counter({ name: 'hookreach_delivery_batches_total', help: 'Delivery attempts of batches, by outcome (succeeded, retry: failed and due again, failed: final)', labelNames: ['outcome'], registers });
    this.users = new Counter({ name: 'hookreach_delivery_users_total', help: 'Users in attempted batches, by outcome', labelNames: ['outcome'], registers });
    this.attemptSeconds = new Histogram({
      name: 'hookreach_delivery_attempt_duration_seconds',
      help: 'Time from sending a batch to its answer (or error), by outcome',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.receipts = new Counter({ name: 'hookreach_receipts_total', help: 'Receipts reported to the receipt API, by outcome (stored, repeated, rejected)', labelNames: ['outcome'], registers });
    const circuits = () => this.circuits();
    new Gauge({
      name: 'hookreach_webhook_circuit_state',
      help: 'Circuit breaker of each webhook this process sends to: 0 closed, 1 half-open, 2 open',
      labelNames: ['webhook_id'],
      registers,
      collect() {
        this.reset();
        for (const [webhookId, snapshot] of circuits()) this.set({ webhook_id: webhookId }, CIRCUIT_VALUE[snapshot.state]);
      },
    });
    new Gauge({
      name: 'hookreach_delivery_queue_depth',
      help: 'Batches due now and waiting to be sent (the whole outbox)',
      registers,
      async collect() {
        const row = await store.db.selectFrom('delivery_batches').select((eb) => eb.fn.countAll<number>().as('n'))
          .where('status', '=', 'pending').where('next_attempt_at', '<=', clock.now()).executeTakeFirstOrThrow();
        this.set(Number(row.n));
      },
    });
    new Gauge({
      name: 'hookreach_delivery_oldest_due_age_seconds',
      help: 'How long the oldest due batch has been waiting (0 when none is due)',
      registers,
      async collect() {
        const now = clock.now();
        const row = await store.db.selectFrom('delivery_batches').select((eb) => eb.fn.min('next_attempt_at').as('due'))
          .where('status', '=', 'pending').where('next_attempt_at', '<=', now).executeTakeFirst();
        this.set(row?.due == null ? 0 : Math.max(0, (now - Number(row.due)) / 1000));
      },
    });
  }

  /** Counts one attempt of a batch of `users` users that took `seconds`. */
  attempt(outcome: AttemptOutcome, users: number, seconds: number): void {
    this.batches.inc({ outcome });
    this.users.inc({ outcome }, users);
    this.attemptSeconds.observe({ outcome }, seconds);
  }

  /** Counts a report's receipts. */
  receiptReport(counts: Record<ReceiptOutcome, number>): void {
    for (const [outcome, n] of Object.entries(counts)) if (n > 0) this.receipts.inc({ outcome }, n);
  }

  /** Where the circuit gauge reads from: the dispatcher of this process. */
  watchCircuits(read: () => Map<string, CircuitSnapshot>): void {
    this.circuits = read;
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
