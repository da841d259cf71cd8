import type { Dialect } from '../store/dialect.js';
import { dialectText, placeholders, textsByCount, tuples } from '../store/queries.js';

/*
 * The statements a send runs on its batch (claim, body read, attempt record), written once as text
 * instead of built with Kysely per call: building and compiling them took about 5% of the event loop's
 * time during a large task, more than SQLite took to run several of them.
 */

/** The columns a claim returns (ClaimedBatch without its body). */
const CLAIMED_COLUMNS = 'id, workspace_id, webhook_id, run_kind, task_id, journey_id, node_id, user_count, attempts, max_attempts';

/**
 * A claim, `(workerId, leaseExpiresAt, now, webhookId, now, limit)`. SQLite serialises writers, so the
 * subquery's rows cannot be claimed by anyone else meanwhile. PostgreSQL: other workers skip the rows
 * this one locks; the CTE is materialised on purpose: as an `IN (subquery)`, the planner may rescan the
 * subquery per row, and each rescan skips the rows this very statement already updated, so it would
 * claim far more than the limit.
 */
export const LEASE: Record<Dialect, string> = {
  sqlite: `
    update delivery_batches set status = 'sending', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1, updated_at = ?
    where id in (select id from delivery_batches where webhook_id = ? and status = 'pending' and next_attempt_at <= ? order by next_attempt_at limit ?)
    returning ${CLAIMED_COLUMNS}`,
  postgres: `
    with due as materialized (
      select id from delivery_batches where webhook_id = $4 and status = 'pending' and next_attempt_at <= $5 order by next_attempt_at limit $6 for update skip locked)
    update delivery_batches b set status = 'sending', lease_owner = $1, lease_expires_at = $2, attempts = b.attempts + 1, updated_at = $3
    from due where b.id = due.id and b.status = 'pending'
    returning ${CLAIMED_COLUMNS.split(', ').map((c) => `b.${c}`).join(', ')}`,
};

/** The stored bodies of `count` batch ids. */
const BODY_TEXTS = textsByCount((count) => `select batch_id, body from delivery_bodies where batch_id in (${placeholders(count)})`);
// SQLite hands a text cast to a blob over as its UTF-8 bytes, which the send needs: no text is made from them and encoded again.
const BODY_BYTES = textsByCount((count) => `select batch_id, cast(body as blob) as body from delivery_bodies where batch_id in (${placeholders(count)})`);
/** The stored bodies of `count` batches: `(...ids)`; each body as bytes on SQLite, as text on PostgreSQL. */
export const BODIES = (dialect: Dialect, count: number): string => (dialect === 'sqlite' ? BODY_BYTES : BODY_TEXTS)(dialect, count);

/** Who may end a lease, after the statement's own parameters: its owner (`owner`), or anyone once it expired (`expiredBy`). */
const GUARDS = { owner: "lease_owner = ? and status = 'sending'", expiredBy: "status = 'sending' and lease_expires_at <= ?" } as const;

/** `(now, now, ...ids, guard value)`: batches of `count` ids that succeeded, returning the ids updated. */
export const SUCCEEDED = {
  owner: textsByCount((count) => succeeded(count, GUARDS.owner)),
  expiredBy: textsByCount((count) => succeeded(count, GUARDS.expiredBy)),
};

function succeeded(count: number, guard: string): string {
  return `update delivery_batches set status = 'succeeded', lease_owner = null, lease_expires_at = null, updated_at = ?, finished_at = ?
    where id in (${placeholders(count)}) and ${guard} returning id`;
}

/** `(status, lastError, now, next_attempt_at or finished_at, id, guard value)`: a batch to retry later (`pending`) or that failed. */
export const UNSUCCEEDED = {
  pending: { owner: unsucceeded('next_attempt_at', GUARDS.owner), expiredBy: unsucceeded('next_attempt_at', GUARDS.expiredBy) },
  failed: { owner: unsucceeded('finished_at', GUARDS.owner), expiredBy: unsucceeded('finished_at', GUARDS.expiredBy) },
};

function unsucceeded(timeColumn: string, guard: string) {
  return dialectText(`update delivery_batches set status = ?, lease_owner = null, lease_expires_at = null, last_error = ?, updated_at = ?, ${timeColumn} = ?
    where id = ? and ${guard}`);
}

/** The last attempt number of each of `count` batch ids that has one. */
export const LAST_ATTEMPTS = textsByCount((count) => `select batch_id, max(attempt) as n from delivery_attempts where batch_id in (${placeholders(count)}) group by batch_id`);

/** The attempt columns in the order ATTEMPT_INSERT takes them. */
const ATTEMPT_COLUMNS = 10;

/** `count` attempt rows. */
export const ATTEMPT_INSERT = textsByCount(
  (count) => `insert into delivery_attempts (batch_id, attempt, started_at, latency_ms, success, retryable, http_status, code, message, error) values ${tuples(count, ATTEMPT_COLUMNS)}`,
);

/**
 * `(now)`: enabled webhooks with a batch due now, with their version (the dispatcher's poll). This and the
 * next were built with Kysely at every poll: 0.7% and 0.4% of the event loop's CPU during the million-user task.
 */
export const DUE_WEBHOOKS = dialectText(`
  select id, version from webhooks w
  where enabled = 1 and exists (select 1 from delivery_batches b where b.webhook_id = w.id and b.status = 'pending' and b.next_attempt_at <= ?)`);

/** `(now, limit)`: batches whose lease expired, their worker dead or hung (the dispatcher's recovery poll). */
export const EXPIRED_LEASES = dialectText(`
  select id, attempts, max_attempts, lease_owner, updated_at from delivery_batches
  where status = 'sending' and lease_expires_at <= ? limit ?`);
