import { CircuitBreaker, type CircuitSettings } from './circuit-breaker.js';
import { TokenBucket } from './token-bucket.js';
import type { WebhookTarget } from './webhook-target.js';

/** One webhook as this dispatcher sees it: its target (key opened once per version), limits and circuit. */
export class WebhookLane {
  /** Requests to this webhook in flight (or being claimed) in this process. */
  inFlight = 0;
  /** Whether the store may hold due batches for it: set by discovery, cleared by a claim that came back short. */
  hasWork = false;
  readonly bucket: TokenBucket;
  readonly circuit: CircuitBreaker;

  constructor(
    public target: WebhookTarget,
    now: number,
    circuit: CircuitSettings,
  ) {
    this.bucket = new TokenBucket(target.maxPerSecond, now);
    this.circuit = new CircuitBreaker(circuit);
  }

  /** Takes a new version of the webhook: new limits; a new URL starts with a closed circuit. */
  update(target: WebhookTarget, now: number): void {
    if (target.url !== this.target.url) this.circuit.reset();
    this.bucket.setRate(target.maxPerSecond, now);
    this.target = target;
  }

  /** Batches this webhook may start now: free concurrency, tokens, and what the circuit allows. */
  capacity(now: number): number {
    return Math.min(this.target.maxConcurrency - this.inFlight, this.bucket.available(now), this.circuit.allowance(now, this.inFlight));
  }

  /** Holds `n` slots and tokens while a claim runs. */
  reserve(n: number, now: number): void {
    this.inFlight += n;
    this.bucket.take(n, now);
  }

  /** Returns slots and tokens a claim did not use. */
  unreserve(n: number): void {
    this.inFlight -= n;
    this.bucket.refund(n);
  }
}
