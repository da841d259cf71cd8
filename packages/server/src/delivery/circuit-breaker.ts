/** When a webhook's circuit opens and for how long. */
export interface CircuitSettings {
  /** Consecutive retryable failures that open the circuit. */
  failureThreshold: number;
  /** First cool-down; each failed probe doubles it. */
  coolDownMs: number;
  maxCoolDownMs: number;
}

export const DEFAULT_CIRCUIT: Readonly<CircuitSettings> = Object.freeze({ failureThreshold: 10, coolDownMs: 60_000, maxCoolDownMs: 600_000 });

export type CircuitStateName = 'closed' | 'open' | 'half-open';

/** A webhook's circuit as metrics and the API may show it. */
export interface CircuitSnapshot {
  state: CircuitStateName;
  consecutiveFailures: number;
  /** When an open circuit lets a probe through (epoch ms), or null. */
  openUntil: number | null;
  /** The cool-down of the current (or next) opening. */
  coolDownMs: number;
}

/**
 * A per-webhook circuit breaker. Closed: everything goes. After `failureThreshold` consecutive retryable
 * failures it opens for a cool-down, during which nothing is sent (so no attempt is spent). Then it is
 * half-open: one request probes; success (or any answer the receiver decided, such as a 400) closes it,
 * a retryable failure opens it again for twice as long, up to `maxCoolDownMs`.
 */
export class CircuitBreaker {
  private failures = 0;
  private openUntil: number | null = null;
  private coolDown: number;

  constructor(private readonly settings: CircuitSettings) {
    this.coolDown = settings.coolDownMs;
  }

  /** Closed, open (cooling down) or half-open (one probe may go), at `now`. */
  state(now: number): CircuitStateName {
    if (this.openUntil === null) return 'closed';
    return now < this.openUntil ? 'open' : 'half-open';
  }

  /** How many requests may start now, given `inFlight` already running to this webhook. */
  allowance(now: number, inFlight: number): number {
    const state = this.state(now);
    if (state === 'closed') return Infinity;
    return state === 'half-open' && inFlight === 0 ? 1 : 0;
  }

  /** A 2xx OK, or a final answer: the receiver is there. */
  onAnswered(): void {
    this.failures = 0;
    this.openUntil = null;
    this.coolDown = this.settings.coolDownMs;
  }

  /** A network error, timeout, 408, 429 or 5xx. */
  onRetryableFailure(now: number): void {
    this.failures++;
    const state = this.state(now);
    if (state === 'half-open') {
      this.coolDown = Math.min(this.coolDown * 2, this.settings.maxCoolDownMs);
      this.openUntil = now + this.coolDown;
    } else if (state === 'closed' && this.failures >= this.settings.failureThreshold) {
      this.openUntil = now + this.coolDown;
    }
  }

  /** Forgets everything (the webhook's URL changed). */
  reset(): void {
    this.onAnswered();
  }

  /** The circuit's state for metrics and tests. */
  snapshot(now: number): CircuitSnapshot {
    return { state: this.state(now), consecutiveFailures: this.failures, openUntil: this.openUntil, coolDownMs: this.coolDown };
  }
}
