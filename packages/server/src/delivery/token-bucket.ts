/**
 * A token bucket driven by an injected clock: `ratePerSecond` tokens a second, holding at most a tenth
 * of a second's worth (at least one). Any one-second window thus starts at most
 * `ratePerSecond + max(1, ceil(ratePerSecond / 10))` requests; a rate of 0 means unlimited.
 */
export class TokenBucket {
  private rate: number;
  private capacity: number;
  private tokens: number;
  private updatedAt: number;

  constructor(ratePerSecond: number, now: number) {
    this.rate = ratePerSecond;
    this.capacity = burstOf(ratePerSecond);
    this.tokens = this.capacity;
    this.updatedAt = now;
  }

  /** Changes the rate (a webhook edit), keeping the tokens already earned up to the new capacity. */
  setRate(ratePerSecond: number, now: number): void {
    if (ratePerSecond === this.rate) return;
    this.refill(now);
    this.rate = ratePerSecond;
    this.capacity = burstOf(ratePerSecond);
    this.tokens = Math.min(this.tokens, this.capacity);
  }

  /** Whole tokens available now; Infinity when unlimited. */
  available(now: number): number {
    if (this.rate === 0) return Infinity;
    this.refill(now);
    return Math.floor(this.tokens);
  }

  /** Spends `n` tokens (the caller checked `available`). */
  take(n: number, now: number): void {
    if (this.rate === 0) return;
    this.refill(now);
    this.tokens -= n;
  }

  /** Gives back tokens taken for requests that were not made. */
  refund(n: number): void {
    if (this.rate === 0) return;
    this.tokens = Math.min(this.capacity, this.tokens + n);
  }

  /** Milliseconds until a whole token is available (0 if one is). */
  msUntilNext(now: number): number {
    if (this.rate === 0) return 0;
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.rate);
  }

  private refill(now: number): void {
    if (now > this.updatedAt) {
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updatedAt) * this.rate) / 1000);
      this.updatedAt = now;
    }
  }
}

/** Tokens a bucket holds at most: a tenth of a second's worth, at least one. */
export function burstOf(ratePerSecond: number): number {
  return Math.max(1, Math.ceil(ratePerSecond / 10));
}
