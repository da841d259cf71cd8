import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { Store } from '../store/database.js';
import type { Dialect } from '../store/dialect.js';
import { chunk, compare, IN_CHUNK, textsByCount, tuples } from '../store/queries.js';
import type { Database, ReceiptCountRow } from '../store/schema.js';
import { forEachReceiptOf } from './store.js';

/*
 * Receipt counts per batch and status code (migration 0019): what a report adds to them, and the
 * totals the task, webhook and journey details read instead of grouping the receipts.
 */

/** A receipt already stored for a batch's user, as a report's receipts are checked against it. */
export interface StoredReceipt {
  action_id: string;
  msg_id: string;
  status: string;
}

/** The receipts stored for the messages a report names (`actionsByBatch`), read before adding to them: their batches' rows. */
export async function storedReceiptsOf(db: Kysely<Database>, dialect: Dialect, actionsByBatch: ReadonlyMap<string, ReadonlySet<string>>): Promise<StoredReceipt[]> {
  const stored: StoredReceipt[] = [];
  await forEachReceiptOf(db, dialect, [...actionsByBatch.keys()], (batchId, _receivedAt, actionId, msgId, status) => {
    if (actionsByBatch.get(batchId)!.has(actionId)) stored.push({ action_id: actionId, msg_id: msgId, status });
  });
  return stored;
}

/**
 * PostgreSQL: holds the receipts of `batchIds` for this transaction (advisory locks, in id order, so
 * two reports never deadlock on them), so that reports on the same batches count one after the
 * other. SQLite has one writer at a time, and a report's transaction writes (its nonce) first.
 */
export async function lockBatchReceipts(db: Kysely<Database>, dialect: Dialect, batchIds: readonly string[]): Promise<void> {
  if (dialect !== 'postgres' || batchIds.length === 0) return;
  const sorted = [...new Set(batchIds)].sort(compare);
  await sql`select pg_advisory_xact_lock(hashtextextended(b, 0)) from unnest(${sorted}::text[]) with ordinality as u(b, n) order by n`.execute(db);
}

/** What a report adds to one batch's counts of one status code. */
export type ReceiptCountIncrement = ReceiptCountRow;

const ADD_COUNTS = textsByCount((n) => `
  insert into receipt_counts (batch_id, status, receipts, users) values ${tuples(n, 4)}
  on conflict (batch_id, status) do update set receipts = receipt_counts.receipts + excluded.receipts, users = receipt_counts.users + excluded.users`);

/** Adds a report's counts to each batch's (in key order, one statement per 500 rows). */
export async function addReceiptCounts(db: Kysely<Database>, dialect: Dialect, increments: readonly ReceiptCountIncrement[]): Promise<void> {
  const ordered = [...increments].sort((a, b) => compare(a.batch_id, b.batch_id) || compare(a.status, b.status));
  for (const part of chunk(ordered, IN_CHUNK)) {
    await db.executeQuery(CompiledQuery.raw(ADD_COUNTS(dialect, part.length), part.flatMap((c) => [c.batch_id, c.status, c.receipts, c.users])));
  }
}

/** Which receipts to count: one webhook, some batches, or one task (any combination narrows). */
export interface ReceiptCountFilter {
  webhookId?: string;
  batchIds?: readonly string[];
  taskId?: string;
}

/** Receipts of one status code: how many, and how many distinct users (messages) reported it. */
export interface StatusCount {
  status: string;
  /** The status's configured value (e.g. "Success"), or null if the code is not configured. */
  value: string | null;
  count: number;
  users: number;
}

/** Counts stored receipts per status code, for task details and webhook totals; ordered by status. Reads the batches' counts (migration 0019), not the receipts. */
export async function countReceiptsByStatus(store: Store, filter: ReceiptCountFilter): Promise<StatusCount[]> {
  if (filter.batchIds !== undefined && filter.batchIds.length === 0) return [];
  let query = store.db
    .selectFrom('receipt_counts as c')
    .innerJoin('delivery_batches as b', 'b.id', 'c.batch_id')
    .leftJoin('receipt_statuses as s', (join) => join.onRef('s.webhook_id', '=', 'b.webhook_id').onRef('s.code', '=', 'c.status'))
    .select((eb) => ['c.status', 's.value', eb.fn.sum<number>('c.receipts').as('count'), eb.fn.sum<number>('c.users').as('users')])
    .groupBy(['c.status', 's.value'])
    .orderBy('c.status');
  if (filter.webhookId !== undefined) query = query.where('b.webhook_id', '=', filter.webhookId);
  if (filter.taskId !== undefined) query = query.where('b.task_id', '=', filter.taskId);
  if (filter.batchIds !== undefined) {
    const ids = filter.batchIds;
    query = query.where((eb) => eb.or(chunk(ids, IN_CHUNK).map((part) => eb('c.batch_id', 'in', part))));
  }
  const rows = await query.execute();
  return rows.map((r) => ({ status: r.status, value: r.value ?? null, count: Number(r.count), users: Number(r.users) }));
}
