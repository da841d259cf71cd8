import { describe, expect, it } from 'vitest';
import { newIds } from '../../src/shared/ids.js';
import { newId } from '../../src/shared/ids.js';
import { CircuitBreaker } from '../../src/delivery/circuit-breaker.js';
import { TokenBucket } from '../../src/delivery/token-bucket.js';

describe('TokenBucket', () => {
  it('is unlimited at rate 0', () => {
    const bucket = new TokenBucket(0, 0);
    bucket.take(1_000, 0);
    expect(bucket.available(0)).toBe(Infinity);
    expect(bucket.msUntilNext(0)).toBe(0);
  });

  it('holds a tenth of a second\'s worth, refills by the clock, and takes refunds up to its capacity', () => {
    const bucket = new TokenBucket(100, 0);
    expect(bucket.available(0)).toBe(10);
    bucket.take(10, 0);
    expect(bucket.available(0)).toBe(0);
    expect(bucket.msUntilNext(0)).toBe(10);
    expect(bucket.available(55)).toBe(5);
    bucket.refund(20);
    expect(bucket.available(55)).toBe(10);
    expect(bucket.available(60_000)).toBe(10);
  });

  it('keeps earned tokens within the new capacity when the rate changes', () => {
    const bucket = new TokenBucket(100, 0);
    bucket.setRate(20, 0);
    expect(bucket.available(0)).toBe(2);
    bucket.take(2, 0);
    bucket.setRate(1_000, 0);
    expect(bucket.available(0)).toBe(0);
    expect(bucket.available(100)).toBe(100);
  });
});

describe('CircuitBreaker', () => {
  const settings = { failureThreshold: 2, coolDownMs: 1_000, maxCoolDownMs: 3_000 };

  it('opens at the threshold, allows one probe at a time when half-open, and caps the doubled cool-down', () => {
    const circuit = new CircuitBreaker(settings);
    circuit.onRetryableFailure(0);
    expect(circuit.allowance(0, 0)).toBe(Infinity);
    circuit.onRetryableFailure(0);
    expect(circuit.snapshot(0)).toEqual({ state: 'open', consecutiveFailures: 2, openUntil: 1_000, coolDownMs: 1_000 });
    expect(circuit.allowance(999, 0)).toBe(0);
    expect(circuit.allowance(1_000, 0)).toBe(1);
    expect(circuit.allowance(1_000, 1)).toBe(0);
    circuit.onRetryableFailure(1_000);
    expect(circuit.snapshot(1_000)).toMatchObject({ state: 'open', openUntil: 3_000, coolDownMs: 2_000 });
    circuit.onRetryableFailure(3_000);
    expect(circuit.snapshot(3_000)).toMatchObject({ openUntil: 6_000, coolDownMs: 3_000 });
    circuit.onRetryableFailure(6_000);
    expect(circuit.snapshot(6_000)).toMatchObject({ openUntil: 9_000, coolDownMs: 3_000 });
  });

  it('closes when the receiver answers, even with a final failure', () => {
    const circuit = new CircuitBreaker(settings);
    circuit.onRetryableFailure(0);
    circuit.onRetryableFailure(0);
    circuit.onAnswered();
    expect(circuit.snapshot(0)).toEqual({ state: 'closed', consecutiveFailures: 0, openUntil: null, coolDownMs: 1_000 });
  });

  it('does not reopen or extend an open circuit for failures of requests started before it opened', () => {
    const circuit = new CircuitBreaker(settings);
    circuit.onRetryableFailure(0);
    circuit.onRetryableFailure(0);
    circuit.onRetryableFailure(500);
    expect(circuit.snapshot(500)).toMatchObject({ state: 'open', openUntil: 1_000, coolDownMs: 1_000 });
  });
});

describe('newIds', () => {
  it('makes distinct, sorted ids in the format of newId', () => {
    const now = Date.UTC(2026, 11, 1);
    const ids = newIds('act', 1_000, now);
    expect(new Set(ids).size).toBe(1_000);
    expect([...ids].sort()).toEqual(ids);
    const time = newId('act', now).slice(0, 14);
    for (const id of ids) expect(id).toMatch(new RegExp(`^${time}[0-9a-hjkmnp-tv-z]{16}$`));
  });

  it('counts up from a random start: calls in the same millisecond differ, and a large call stays distinct and sorted', () => {
    const now = Date.UTC(2026, 11, 1);
    const a = newIds('act', 100_000, now);
    expect(new Set(a).size).toBe(100_000);
    expect([...a].sort()).toEqual(a);
    const b = newIds('act', 100_000, now);
    expect(new Set([...a.slice(0, 1000), ...b.slice(0, 1000)]).size).toBe(2000);
    expect(a[0]!.slice(0, 24)).not.toBe(b[0]!.slice(0, 24));
  });
});
