import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { Store } from '../store/database.js';
import type { Dialect } from '../store/dialect.js';
import type { Database, DeliveryBatchRow } from '../store/schema.js';
import { refundTokens, takeSharedCapacity, type SharedLimits } from './shared-limits.js';
import { bodyBytes } from './stored-body.js';
import { ATTEMPT_INSERT, BODIES, DUE_WEBHOOKS, EXPIRED_LEASES, LAST_ATTEMPTS, LEASE, SUCCEEDED, UNSUCCEEDED } from './outbox-sql.js';
import { chunk, IN_CHUNK } from '../store/queries.js';

/**
 * The delivery engine's queries on the outbox (`delivery_batches`, `delivery_bodies`,
 * `delivery_attempts`, `delivery_rosters`). Every write that ends a lease is guarded, so a worker whose lease was taken
 * over cannot overwrite the new owner's work.
 */

/** A batch as a claim returns it: what a send needs, nothing more. */
export type ClaimedBatch = Pick<
  DeliveryBatchRow,
  'id' | 'workspace_id' | 'webhook_id' | 'run_kind' | 'task_id' | 'journey_id' | 'node_id' | 'user_count' | 'attempts' | 'max_attempts'
> & { body: Buffer };

/** Where a batch goes after an attempt. */
export type Transition =
  | { status: 'succeeded' }
  | { status: 'pending'; nextAttemptAt: number; lastError: string }
  | { status: 'failed'; lastError: string };

/** One attempt to record and the transition it causes. */
export interface AttemptRecord {
  batchId: string;
  startedAt: number;
  latencyMs: number;
  success: boolean;
  retryable: boolean;
  httpStatus: number | null;
  code: string | null;
  message: string | null;
  error: string | null;
  next: Transition;
}

/** Whose write may end a lease: its owner, or anyone once it has expired (recovery of a dead worker's batches). */
export type LeaseGuard = { owner: string } | { expiredBy: number };

/** What every batch of one enqueue call shares. */
export interface OutboxCommon {
  workspaceId: string;
  webhookId: string;
  runKind: string;
  taskId: string | null;
  journeyId: string | null;
  nodeId: string | null;
  maxAttempts: number;
  /** next_attempt_at of the new batches. */
  due: number;
  now: number;
}

/** New batches, column by column: each with its body (as stored: delivery/stored-body.ts) and its roster (delivery/roster.ts). */
export interface OutboxChunk {
  batchIds: string[];
  userCounts: number[];
  bodies: string[];
  rosters: string[];
}

/** Inserts new pending batches with their bodies and rosters (the caller holds the transaction). */
export async function insertOutboxChunk(trx: Transaction<Database>, dialect: Dialect, common: OutboxCommon, chunk: OutboxChunk): Promise<void> {
  if (dialect === 'postgres') await insertPostgres(trx, common, chunk);
  else await insertSqlite(trx, common, chunk);
}

/** PostgreSQL: batches in multi-row VALUES of 50 (large bodies make big statements slow), bodies and rosters as column arrays through unnest. */
async function insertPostgres(trx: Transaction<Database>, c: OutboxCommon, chunk: OutboxChunk): Promise<void> {
  for (let start = 0; start < chunk.batchIds.length; start += POSTGRES_ROWS.batches) {
    const end = Math.min(start + POSTGRES_ROWS.batches, chunk.batchIds.length);
    // $1..$9 are the shared values; each row adds its id and user count.
    const params: unknown[] = [c.workspaceId, c.webhookId, c.runKind, c.taskId, c.journeyId, c.nodeId, c.maxAttempts, c.due, c.now];
    const tuples: string[] = [];
    for (let i = start; i < end; i++) {
      const n = params.push(chunk.batchIds[i], chunk.userCounts[i]);
      tuples.push(`($${n - 1}, $1, $2, $3, $4, $5, $6, $${n}::integer, 'pending', 0, $7::integer, $8::bigint, $9::bigint, $9::bigint)`);
    }
    await trx.executeQuery(CompiledQuery.raw(BATCH_INSERT + tuples.join(','), params));
    await trx.executeQuery(
      CompiledQuery.raw('insert into delivery_bodies (batch_id, body) select * from unnest($1::text[], $2::text[])', [chunk.batchIds.slice(start, end), chunk.bodies.slice(start, end)]),
    );
    await trx.executeQuery(
      CompiledQuery.raw('insert into delivery_rosters (batch_id, roster) select b, r::jsonb from unnest($1::text[], $2::text[]) as u(b, r)', [chunk.batchIds.slice(start, end), chunk.rosters.slice(start, end)]),
    );
  }
}

const POSTGRES_ROWS = { batches: 50 };

/** Batches per SQLite statement (SQLite allows 32,766 parameters). */
const SQLITE_ROWS = { batches: 50 };

async function insertSqlite(trx: Transaction<Database>, c: OutboxCommon, chunk: OutboxChunk): Promise<void> {
  const batchCount = chunk.batchIds.length;
  for (let start = 0; start < batchCount; start += SQLITE_ROWS.batches) {
    const end = Math.min(start + SQLITE_ROWS.batches, batchCount);
    const params: unknown[] = [];
    const bodies: unknown[] = [];
    const rosters: unknown[] = [];
    for (let i = start; i < end; i++) {
      params.push(chunk.batchIds[i], c.workspaceId, c.webhookId, c.runKind, c.taskId, c.journeyId, c.nodeId, chunk.userCounts[i], c.maxAttempts, c.due, c.now, c.now);
      bodies.push(chunk.batchIds[i], chunk.bodies[i]);
      rosters.push(chunk.batchIds[i], chunk.rosters[i]);
    }
    await trx.executeQuery(CompiledQuery.raw(sqliteInsert('delivery_batches', BATCH_INSERT, "(?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?)", end - start), params));
    await trx.executeQuery(CompiledQuery.raw(sqliteInsert('delivery_bodies', BODY_INSERT, '(?, ?)', end - start), bodies));
    await trx.executeQuery(CompiledQuery.raw(sqliteInsert('delivery_rosters', ROSTER_INSERT, '(?, ?)', end - start), rosters));
  }
}

const BATCH_INSERT =
  'insert into delivery_batches (id, workspace_id, webhook_id, run_kind, task_id, journey_id, node_id, user_count, status, attempts, max_attempts, next_attempt_at, created_at, updated_at) values ';
const BODY_INSERT = 'insert into delivery_bodies (batch_id, body) values ';
const ROSTER_INSERT = 'insert into delivery_rosters (batch_id, roster) values ';
const sqliteCache = new Map<string, string>();

function sqliteInsert(table: string, head: string, tuple: string, rows: number): string {
  const key = `${table}:${rows}`;
  let text = sqliteCache.get(key);
  if (text === undefined) {
    text = head + new Array<string>(rows).fill(tuple).join(',');
    sqliteCache.set(key, text);
  }
  return text;
}

/** Enabled webhooks that have a batch due now, with their version (to refresh cached targets). */
export async function findWebhooksWithDueWork(db: Kysely<Database>, dialect: Dialect, now: number): Promise<{ id: string; version: number }[]> {
  const { rows } = await db.executeQuery<{ id: string; version: number }>(CompiledQuery.raw(DUE_WEBHOOKS[dialect], [now]));
  return rows;
}

/** What a claim asks for: up to `limit` due batches of one webhook, leased to `workerId` until `leaseExpiresAt`. */
export interface Claim {
  webhookId: string;
  workerId: string;
  now: number;
  leaseExpiresAt: number;
  limit: number;
  /** The webhook's limits: on PostgreSQL they hold across every worker (shared-limits.ts). */
  limits?: SharedLimits;
}

/** Leases up to `limit` due batches of one webhook to `workerId`, spending one attempt each; with their bodies. */
export async function claimBatches(store: Store, claim: Claim): Promise<ClaimedBatch[]> {
  const leased = await leaseWithinLimits(store, claim);
  if (leased.length === 0) return [];
  const stored = new Map<string, string | Uint8Array>();
  for (const part of chunk(leased.map((b) => b.id), IN_CHUNK)) {
    const { rows } = await store.db.executeQuery<{ batch_id: string; body: string | Uint8Array }>(CompiledQuery.raw(BODIES(store.dialect, part.length), part));
    for (const r of rows) stored.set(r.batch_id, r.body);
  }
  const bodies = new Map<string, Buffer>();
  const bodiless: string[] = [];
  const unreadable: string[] = [];
  for (const { id } of leased) {
    const body = stored.get(id);
    if (body === undefined) bodiless.push(id);
    else {
      try {
        bodies.set(id, bodyBytes(body));
      } catch {
        unreadable.push(id);
      }
    }
  }
  // Only finished batches lose their bodies to retention, and a re-send checks first; this is the last guard.
  if (bodiless.length > 0) await failUnsendableBatches(store, bodiless, claim.workerId, claim.now, 'the body was purged by retention');
  // A stored body that does not make a batch's bytes (a damaged row): that batch fails, the others go on.
  if (unreadable.length > 0) await failUnsendableBatches(store, unreadable, claim.workerId, claim.now, 'the stored body could not be read');
  return leased.flatMap((b) => {
    const body = bodies.get(b.id);
    return body === undefined ? [] : [{ ...b, body }];
  });
}

/** SQLite runs one process, whose lanes hold the limits; PostgreSQL may run many, so they are checked in the claim's transaction. */
async function leaseWithinLimits(store: Store, claim: Claim) {
  const { limits } = claim;
  if (store.dialect === 'sqlite' || limits === undefined) return leaseBatches(store.db, store.dialect, claim, claim.limit);
  return store.db.transaction().execute(async (trx) => {
    const allowed = await takeSharedCapacity(trx, limits, claim.limit, claim.now);
    if (allowed === 0) return [];
    const leased = await leaseBatches(trx, store.dialect, claim, allowed);
    await refundTokens(trx, limits, allowed - leased.length);
    return leased;
  });
}

async function failUnsendableBatches(store: Store, ids: string[], workerId: string, now: number, error: string): Promise<void> {
  await store.db
    .updateTable('delivery_batches')
    .set({ status: 'failed', lease_owner: null, lease_expires_at: null, finished_at: now, updated_at: now, last_error: JSON.stringify({ at: now, error }) })
    .where('id', 'in', ids)
    .where('lease_owner', '=', workerId)
    .execute();
}

async function leaseBatches(db: Kysely<Database>, dialect: Dialect, claim: Claim, limit: number): Promise<Omit<ClaimedBatch, 'body'>[]> {
  const params = [claim.workerId, claim.leaseExpiresAt, claim.now, claim.webhookId, claim.now, limit];
  return (await db.executeQuery<Omit<ClaimedBatch, 'body'>>(CompiledQuery.raw(LEASE[dialect], params))).rows;
}

/**
 * Records attempts and moves their batches on, in one transaction. A record whose lease the guard
 * refuses (taken over) changes nothing. Returns the ids of the batches that were updated.
 */
export async function recordAttempts(store: Store, guard: LeaseGuard, records: readonly AttemptRecord[], now: number): Promise<Set<string>> {
  if (records.length === 0) return new Set();
  const { dialect } = store;
  const [kind, guardValue] = 'owner' in guard ? (['owner', guard.owner] as const) : (['expiredBy', guard.expiredBy] as const);
  return store.db.transaction().execute(async (trx) => {
    const applied = new Set<string>();
    const succeeded = records.filter((r) => r.next.status === 'succeeded').map((r) => r.batchId);
    for (const part of chunk(succeeded, IN_CHUNK)) {
      const { rows } = await trx.executeQuery<{ id: string }>(CompiledQuery.raw(SUCCEEDED[kind](dialect, part.length), [now, now, ...part, guardValue]));
      for (const row of rows) applied.add(row.id);
    }
    for (const record of records) {
      const next = record.next;
      if (next.status === 'succeeded') continue;
      const time = next.status === 'pending' ? next.nextAttemptAt : now;
      const result = await trx.executeQuery(CompiledQuery.raw(UNSUCCEEDED[next.status][kind][dialect], [next.status, next.lastError, now, time, record.batchId, guardValue]));
      if (Number(result.numAffectedRows ?? 0) > 0) applied.add(record.batchId);
    }
    if (applied.size === 0) return applied;
    await insertAttemptRows(trx, dialect, records.filter((r) => applied.has(r.batchId)));
    return applied;
  });
}

/** Attempt rows are numbered 1, 2, ... over a batch's whole life, across re-sends on demand. */
async function insertAttemptRows(trx: Transaction<Database>, dialect: Dialect, records: readonly AttemptRecord[]): Promise<void> {
  const last = new Map<string, number>();
  for (const part of chunk(records.map((r) => r.batchId), IN_CHUNK)) {
    const { rows } = await trx.executeQuery<{ batch_id: string; n: number }>(CompiledQuery.raw(LAST_ATTEMPTS(dialect, part.length), part));
    for (const row of rows) last.set(row.batch_id, Number(row.n));
  }
  for (const part of chunk(records, IN_CHUNK)) {
    const params: unknown[] = [];
    for (const r of part) {
      const attempt = (last.get(r.batchId) ?? 0) + 1;
      last.set(r.batchId, attempt);
      params.push(r.batchId, attempt, r.startedAt, r.latencyMs, r.success ? 1 : 0, r.retryable ? 1 : 0, r.httpStatus, r.code, r.message, r.error);
    }
    await trx.executeQuery(CompiledQuery.raw(ATTEMPT_INSERT(dialect, part.length), params));
  }
}

/** Gives back leases this worker will not finish (graceful stop): due now, the unfinished attempt not counted. */
export async function releaseLeases(store: Store, workerId: string, ids: readonly string[], now: number): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await store.db
    .updateTable('delivery_batches')
    .set((eb) => ({ status: 'pending', attempts: eb('attempts', '-', 1), lease_owner: null, lease_expires_at: null, next_attempt_at: now, updated_at: now }))
    .where('id', 'in', [...ids])
    .where('lease_owner', '=', workerId)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Batches whose lease expired: their worker died (or hung) before recording an outcome. */
export async function findExpiredLeases(
  db: Kysely<Database>,
  dialect: Dialect,
  now: number,
  limit: number,
): Promise<Pick<DeliveryBatchRow, 'id' | 'attempts' | 'max_attempts' | 'lease_owner' | 'updated_at'>[]> {
  // updated_at is the claim's time: when the lost attempt started.
  const { rows } = await db.executeQuery<Pick<DeliveryBatchRow, 'id' | 'attempts' | 'max_attempts' | 'lease_owner' | 'updated_at'>>(CompiledQuery.raw(EXPIRED_LEASES[dialect], [now, limit]));
  return rows;
}
