import type { DeliveryBatchRow } from '../store/schema.js';
import type { AttemptRecord, ClaimedBatch } from './outbox.js';
import { clampRetryAfter, retryDelayMs } from './retry-policy.js';
import type { SendOutcome } from './send-to-webhook.js';

/** How a failed attempt is retried. */
export interface RetryPolicy {
  scheduleMs: readonly number[];
  jitter: number;
  random: () => number;
}

/** The attempt row and the batch's next state: done, retry later (Retry-After or the schedule), or failed. */
export function recordOf(batch: ClaimedBatch, outcome: SendOutcome, now: number, policy: RetryPolicy): AttemptRecord {
  const record: AttemptRecord = {
    batchId: batch.id,
    startedAt: outcome.startedAt,
    latencyMs: outcome.latencyMs,
    success: outcome.success,
    retryable: outcome.retryable,
    httpStatus: outcome.httpStatus ?? null,
    code: outcome.code ?? null,
    message: outcome.message ?? null,
    error: outcome.error ?? null,
    next: { status: 'succeeded' },
  };
  if (outcome.success) return record;
  const lastError = JSON.stringify({
    at: outcome.startedAt,
    httpStatus: outcome.httpStatus,
    code: outcome.code,
    message: outcome.message,
    error: outcome.error,
    retryAfterMs: outcome.retryAfterMs,
  });
  if (outcome.retryable && batch.attempts < batch.max_attempts) {
    const delay = outcome.retryAfterMs !== undefined ? clampRetryAfter(outcome.retryAfterMs) : retryDelayMs(policy.scheduleMs, batch.attempts, policy.jitter, policy.random);
    record.next = { status: 'pending', nextAttemptAt: now + delay, lastError };
  } else {
    record.next = { status: 'failed', lastError };
  }
  return record;
}

/**
 * The record of an attempt lost with its worker (lease expired): outcome unknown, counted, due again now
 * unless it was the last one.
 */
export function lostAttemptRecord(row: Pick<DeliveryBatchRow, 'id' | 'attempts' | 'max_attempts' | 'lease_owner' | 'updated_at'>, now: number): AttemptRecord {
  const error = `worker ${row.lease_owner ?? '?'} did not record an outcome before its lease expired (it stopped or hung); the receiver may have got the batch`;
  const lastError = JSON.stringify({ at: row.updated_at, error });
  return {
    batchId: row.id,
    startedAt: row.updated_at,
    latencyMs: Math.max(0, now - row.updated_at),
    success: false,
    retryable: true,
    httpStatus: null,
    code: null,
    message: null,
    error,
    next: row.attempts < row.max_attempts ? { status: 'pending', nextAttemptAt: now, lastError } : { status: 'failed', lastError },
  };
}

/** The outcome of a request that could not even be built (e.g. an environment value a header cannot carry): final. */
export function unsendableOutcome(error: unknown, startedAt: number): SendOutcome {
  return {
    success: false,
    retryable: false,
    error: `the request could not be built: ${error instanceof Error ? error.message : String(error)}`,
    startedAt,
    latencyMs: 0,
    request: { url: '', headers: {}, timestamp: '', nonce: '' },
  };
}
