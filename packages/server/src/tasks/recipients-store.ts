import { sql, type Kysely, type RawBuilder } from 'kysely';
import { rosterEntries } from '../delivery/roster.js';
import { forEachReceiptOf } from '../receipts/store.js';
import type { Dialect } from '../store/dialect.js';
import type { Database } from '../store/schema.js';

/** A user's delivery status (it follows the batch's; a batch being sent counts as pending). */
export type RecipientStatus = 'pending' | 'succeeded' | 'failed' | 'cancelled';

const BATCH_STATUSES: Record<RecipientStatus, string[]> = {
  pending: ['pending', 'sending'],
  succeeded: ['succeeded'],
  failed: ['failed'],
  cancelled: ['cancelled'],
};

/** Recipient filters; all optional and combined. */
export interface RecipientFilter {
  status?: RecipientStatus | undefined;
  /** Latest receipt has this status code. */
  receiptStatus?: string | undefined;
  /** Has any receipt (true) or none (false). */
  hasReceipt?: boolean | undefined;
}

/** Where a page starts: after this message of this batch. */
export interface RecipientCursor {
  batchId: string;
  actionId: string;
}

/** One recipient with its batch's state. */
export interface RecipientRow {
  action_id: string;
  batch_id: string;
  customer_id: string;
  target_type: string;
  target_id: string;
  batch_status: string;
  last_error: string | null;
  finished_at: number | null;
}

/** Batches walked per query: their messages (at most 100 each) are sorted in one small query. */
const BATCH_GROUP = 50;

/** Whether a message whose latest receipt has status `latest` (undefined: it has none) passes the receipt filters. */
function passesReceiptFilter(filter: RecipientFilter, latest: string | undefined): boolean {
  if (filter.receiptStatus !== undefined && latest !== filter.receiptStatus) return false;
  if (filter.hasReceipt !== undefined && (latest !== undefined) !== filter.hasReceipt) return false;
  return true;
}

/**
 * What the batches must have for a user of theirs to match the receipt filters: a count of the code
 * asked for, or of any code. The counts outlive receipts the retention sweep purged, so this only
 * narrows the walk: a task's million users with a rare code are found without reading every batch.
 */
function batchReceiptCondition(filter: RecipientFilter): RawBuilder<boolean> | undefined {
  if (filter.receiptStatus !== undefined) return sql<boolean>`exists (select 1 from receipt_counts c where c.batch_id = delivery_batches.id and c.status = ${filter.receiptStatus})`;
  if (filter.hasReceipt === true) return sql<boolean>`exists (select 1 from receipt_counts c where c.batch_id = delivery_batches.id)`;
  return undefined;
}

/** A batch of a group walked, with what its recipients show of it. */
type BatchOfGroup = { id: string; status: string; last_error: string | null; finished_at: number | string | null };

/**
 * Up to `limit` recipients of a task after `after`, in (batch id, action id) order: keyset paging, so
 * the millionth recipient is as quick to reach as the first. Walks the task's batches in groups on the
 * (task_id, status, id) index and reads each group's messages through their key (batch_id, action_id);
 * with a receipt filter, each group's rosters and receipts, matched here (receipts are stored by batch
 * and report, so SQL cannot tell a message's latest one).
 */
export async function readRecipients(db: Kysely<Database>, dialect: Dialect, taskId: string, filter: RecipientFilter, after: RecipientCursor | null, limit: number): Promise<RecipientRow[]> {
  const found: RecipientRow[] = [];
  const byReceipt = filter.receiptStatus !== undefined || filter.hasReceipt !== undefined;
  let from = after?.batchId ?? null;
  let inclusive = after !== null;
  while (found.length < limit) {
    let batchQuery = db.selectFrom('delivery_batches').select(['id', 'status', 'last_error', 'finished_at']).where('task_id', '=', taskId);
    if (filter.status !== undefined) batchQuery = batchQuery.where('status', 'in', BATCH_STATUSES[filter.status]);
    const withReceipts = batchReceiptCondition(filter);
    if (withReceipts) batchQuery = batchQuery.where(withReceipts);
    if (from !== null) batchQuery = batchQuery.where('id', inclusive ? '>=' : '>', from);
    const batches = await batchQuery.orderBy('id').limit(BATCH_GROUP).execute();
    if (batches.length === 0) break;
    const cursor = inclusive ? after : null;
    const rows = byReceipt ? await messagesByReceipt(db, dialect, batches, filter, cursor, limit - found.length) : await messagesOf(db, batches, cursor, limit - found.length);
    const byId = new Map(batches.map((b) => [b.id, b]));
    for (const r of rows) {
      const batch = byId.get(r.batch_id)!;
      found.push({ ...r, batch_status: batch.status, last_error: batch.last_error, finished_at: batch.finished_at === null ? null : Number(batch.finished_at) });
    }
    if (batches.length < BATCH_GROUP) break;
    from = batches[batches.length - 1]!.id;
    inclusive = false;
  }
  return found;
}

type GroupRow = Pick<RecipientRow, 'action_id' | 'batch_id' | 'customer_id' | 'target_type' | 'target_id'>;

/** Up to `limit` messages of `batches` after `after`, in key order. */
async function messagesOf(db: Kysely<Database>, batches: readonly BatchOfGroup[], after: RecipientCursor | null, limit: number): Promise<GroupRow[]> {
  let messages = db
    .selectFrom('delivery_messages as m')
    .select(['m.action_id', 'm.batch_id', 'm.customer_id', 'm.target_type', 'm.target_id'])
    .where('m.batch_id', 'in', batches.map((b) => b.id));
  if (after !== null) {
    messages = messages.where((eb) => eb.or([eb('m.batch_id', '>', after.batchId), eb.and([eb('m.batch_id', '=', after.batchId), eb('m.action_id', '>', after.actionId)])]));
  }
  return messages.orderBy('m.batch_id').orderBy('m.action_id').limit(limit).execute();
}

/**
 * Up to `limit` messages of `batches` after `after` whose latest receipt passes `filter`, in key order:
 * the batches' rosters (in action id order) and receipts, read whole and matched here: about 120 µs a
 * batch of 100 users with a receipt each, where reading them through the messages view took about 400.
 */
async function messagesByReceipt(db: Kysely<Database>, dialect: Dialect, batches: readonly BatchOfGroup[], filter: RecipientFilter, after: RecipientCursor | null, limit: number): Promise<GroupRow[]> {
  const ids = batches.map((b) => b.id);
  const latest = new Map<string, string>();
  await forEachReceiptOf(db, dialect, ids, (_batchId, _receivedAt, actionId, _msgId, status) => latest.set(actionId, status));
  const rosters = await db.selectFrom('delivery_rosters').select(['batch_id', 'roster']).where('batch_id', 'in', ids).orderBy('batch_id').execute();
  const rows: GroupRow[] = [];
  for (const { batch_id, roster } of rosters) {
    for (const [actionId, customerId, targetType, targetId] of rosterEntries(roster)) {
      if (after !== null && batch_id === after.batchId && actionId <= after.actionId) continue;
      if (!passesReceiptFilter(filter, latest.get(actionId))) continue;
      rows.push({ action_id: actionId, batch_id, customer_id: customerId, target_type: targetType, target_id: targetId });
      if (rows.length === limit) return rows;
    }
  }
  return rows;
}

/** How many recipients match a delivery-status filter (users of the matching batches). */
export async function countRecipients(db: Kysely<Database>, taskId: string, status: RecipientStatus | undefined): Promise<number> {
  let query = db.selectFrom('delivery_batches').select((eb) => eb.fn.sum<number>('user_count').as('n')).where('task_id', '=', taskId);
  if (status !== undefined) query = query.where('status', 'in', BATCH_STATUSES[status]);
  const row = await query.executeTakeFirst();
  return Number(row?.n ?? 0);
}
