import { CompiledQuery, type Kysely } from 'kysely';
import type { Store } from '../store/database.js';
import type { Dialect } from '../store/dialect.js';
import { chunk, compare, dialectText, IN_CHUNK, placeholders, textsByCount, tuples } from '../store/queries.js';
import { addEntry, encodeEntries, forEachEntry } from './receipt-entries.js';
import { findInRoster, forEachRosterUser } from '../delivery/roster.js';
import type { Database } from '../store/schema.js';

/** Whether a database error is PostgreSQL choosing this transaction as a deadlock victim. */
export function isDeadlock(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '40P01';
}

/** What the receipts endpoint needs of a webhook: how it authenticates and its receipt settings. */
export interface ReceiptWebhook {
  id: string;
  authMethod: 'none' | 'key';
  keySealed: string | null;
  receiptEnabled: boolean;
  retentionHours: number;
  statuses: Set<string>;
}

const RECEIPT_WEBHOOKS = textsByCount((n) => `
  select w.id, w.auth_method, w.key_sealed, w.receipt_enabled, w.receipt_retention_hours, s.code
  from webhooks w left join receipt_statuses s on s.webhook_id = w.id
  where w.id in (${placeholders(n)})`);

/** The webhooks among `ids` that exist, with their status codes: one query per 500 ids. */
export async function loadReceiptWebhooks(db: Kysely<Database>, dialect: Dialect, ids: readonly string[]): Promise<Map<string, ReceiptWebhook>> {
  const found = new Map<string, ReceiptWebhook>();
  for (const part of chunk(ids, IN_CHUNK)) {
    const { rows } = await db.executeQuery<{ id: string; auth_method: string; key_sealed: string | null; receipt_enabled: number; receipt_retention_hours: number; code: string | null }>(
      CompiledQuery.raw(RECEIPT_WEBHOOKS(dialect, part.length), part),
    );
    for (const r of rows) {
      let webhook = found.get(r.id);
      if (!webhook) {
        found.set(r.id, (webhook = {
          id: r.id,
          authMethod: r.auth_method === 'key' ? 'key' : 'none',
          keySealed: r.key_sealed,
          receiptEnabled: Number(r.receipt_enabled) === 1,
          retentionHours: Number(r.receipt_retention_hours),
          statuses: new Set(),
        }));
      }
      if (r.code !== null) webhook.statuses.add(r.code);
    }
  }
  return found;
}

/** A sent (or being sent) user message, as a receipt is matched against it. */
export interface DeliveredMessage {
  actionId: string;
  batchId: string;
  webhookId: string;
  customerId: string;
  /** When the message went out; the batch's creation when the engine has not recorded it. */
  sentAt: number;
  /** Whether a journey sent it (its receipt may decide a judgment). */
  fromJourney: boolean;
}

/** A message a receipt names: its action id and the batch the receipt says it was sent in. */
export interface ClaimedMessage {
  actionId: string;
  batchId: string;
}

/**
 * Claims on a batch below which its roster text is searched instead of parsed whole: parsing a
 * 100-user roster takes about 23 µs, finding and parsing one entry about a tenth of that.
 */
export const FEW_CLAIMS = 8;

/** The action ids of `messages`, by batch: how a report's receipts are looked up, batch by batch. */
export function actionsByBatch(messages: readonly ClaimedMessage[]): Map<string, Set<string>> {
  const byBatch = new Map<string, Set<string>>();
  for (const m of messages) {
    let actions = byBatch.get(m.batchId);
    if (!actions) byBatch.set(m.batchId, (actions = new Set()));
    actions.add(m.actionId);
  }
  return byBatch;
}

const DELIVERED_BATCHES = textsByCount((n) => `
  select r.batch_id, r.roster, b.webhook_id, b.status, b.finished_at, b.created_at, b.journey_id
  from delivery_rosters r join delivery_batches b on b.id = r.batch_id
  where r.batch_id in (${placeholders(n)})`);

interface DeliveredBatchRow {
  batch_id: string;
  roster: unknown;
  webhook_id: string;
  status: string;
  finished_at: number | string | null;
  created_at: number | string;
  journey_id: string | null;
}

/**
 * The messages named (action ids by batch, `actionsByBatch`) that exist in that batch, by action id: the roster
 * and the batch row of each named batch, read together once. A roster named by FEW_CLAIMS receipts or
 * more is parsed whole; in a roster named by fewer, each entry is found in its text.
 */
export async function loadDeliveredMessages(db: Kysely<Database>, dialect: Dialect, wanted: ReadonlyMap<string, ReadonlySet<string>>): Promise<Map<string, DeliveredMessage>> {
  const found = new Map<string, DeliveredMessage>();
  for (const part of chunk([...wanted.keys()], IN_CHUNK)) {
    const { rows } = await db.executeQuery<DeliveredBatchRow>(CompiledQuery.raw(DELIVERED_BATCHES(dialect, part.length), part));
    for (const row of rows) {
      const actions = wanted.get(row.batch_id)!;
      // A user is sent when its batch succeeds (finished_at); until then the batch's creation stands in.
      const sentAt = Number(row.status === 'succeeded' && row.finished_at !== null ? row.finished_at : row.created_at);
      const fromJourney = row.journey_id !== null;
      const take = (actionId: string, customerId: string) => {
        if (actions.has(actionId)) found.set(actionId, { actionId, batchId: row.batch_id, customerId, webhookId: row.webhook_id, sentAt, fromJourney });
      };
      if (typeof row.roster === 'string' && actions.size < FEW_CLAIMS) for (const [actionId, customerId] of findInRoster(row.roster, actions)) take(actionId, customerId);
      else forEachRosterUser(row.roster, take);
    }
  }
  return found;
}

/**
 * Records a nonce until `expiresAt`; false when it is already recorded and unexpired. An expired
 * row still waiting for the purge is taken over, so the purge is never needed for correctness.
 */
export async function claimNonce(db: Kysely<Database>, dialect: Dialect, nonce: string, expiresAt: number, now: number): Promise<boolean> {
  const { rows } = await db.executeQuery(CompiledQuery.raw(CLAIM_NONCE[dialect], [nonce, expiresAt, expiresAt, now]));
  return rows.length > 0;
}

const CLAIM_NONCE = dialectText(`
  insert into receipt_nonces (nonce, expires_at) values (?, ?)
  on conflict (nonce) do update set expires_at = ? where receipt_nonces.expires_at < ?
  returning nonce`);

/** Deletes at most `limit` expired nonces (an index range, never a full scan); returns how many. */
export async function purgeExpiredNonces(db: Kysely<Database>, now: number, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('receipt_nonces')
    .where('nonce', 'in', (eb) => eb.selectFrom('receipt_nonces').select('nonce').where('expires_at', '<', now).limit(limit))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** A receipt before it is stored (the time of receipt and the report are the same for the whole report). */
export interface NewReceipt {
  batch_id: string;
  action_id: string;
  msg_id: string;
  status: string;
  send_time: string;
  /** 1 when a journey sent the message, else null. */
  for_journey: number | null;
}

/** The key of a receipt: its message and the integrator's msg_id (a message belongs to one batch). */
export const receiptKey = (actionId: string, msgId: string): string => `${actionId}\u0000${msgId}`;

const INSERT_BATCH_RECEIPTS = textsByCount((n) => `insert into batch_receipts (batch_id, received_at, report, for_journey, entries) values ${tuples(n, 5)}`);

/**
 * Stores a report's new receipts (all received at `receivedAt` in report `report`, its nonce): one
 * row per batch, its receipts in report order. The caller has left out those already stored (the
 * batches' receipts are read under lockBatchReceipts first); returns how many receipts were stored.
 */
export async function insertReceipts(db: Kysely<Database>, dialect: Dialect, rows: readonly NewReceipt[], receivedAt: number, report: string): Promise<number> {
  if (rows.length === 0) return 0;
  const byBatch = new Map<string, { forJourney: number | null; flat: string[] }>();
  // A report's receipts mostly come batch by batch: the last batch is checked first.
  let last: { forJourney: number | null; flat: string[] } | undefined;
  let lastBatch: string | undefined;
  for (const r of rows) {
    if (r.batch_id !== lastBatch) {
      lastBatch = r.batch_id;
      last = byBatch.get(lastBatch);
      if (!last) byBatch.set(lastBatch, (last = { forJourney: r.for_journey, flat: [] }));
    }
    addEntry(last!.flat, r.action_id, r.msg_id, r.status, r.send_time);
  }
  // In key order, so concurrent reports on PostgreSQL take their locks in one order.
  const batches = [...byBatch.keys()].sort(compare);
  for (const part of chunk(batches, IN_CHUNK)) {
    const params: unknown[] = [];
    for (const batchId of part) {
      const group = byBatch.get(batchId)!;
      params.push(batchId, receivedAt, report, group.forJourney, encodeEntries(group.flat));
    }
    await db.executeQuery(CompiledQuery.raw(INSERT_BATCH_RECEIPTS(dialect, part.length), params));
  }
  return rows.length;
}

const BATCH_RECEIPTS = textsByCount((n) => `
  select batch_id, received_at, entries from batch_receipts
  where batch_id in (${placeholders(n)}) order by batch_id, received_at, report`);

/** A receipt as the readers of a batch's receipts see it, with its row's batch and time of receipt. */
export type ReceiptVisitor = (batchId: string, receivedAt: number, actionId: string, msgId: string, status: string, sendTime: string) => void;

/**
 * Calls `visit` with every stored receipt of `batchIds`, batch by batch, each batch's in the order
 * they arrived (a report's in report order): the last one visited of a message is its latest.
 */
export async function forEachReceiptOf(db: Kysely<Database>, dialect: Dialect, batchIds: readonly string[], visit: ReceiptVisitor): Promise<void> {
  for (const part of chunk(batchIds, IN_CHUNK)) {
    const { rows } = await db.executeQuery<{ batch_id: string; received_at: number | string; entries: string }>(CompiledQuery.raw(BATCH_RECEIPTS(dialect, part.length), part));
    for (const row of rows) {
      const receivedAt = Number(row.received_at);
      forEachEntry(row.entries, (actionId, msgId, status, sendTime) => visit(row.batch_id, receivedAt, actionId, msgId, status, sendTime));
    }
  }
}

/** A message's latest receipt: its status code and when it arrived. */
export interface LatestReceipt {
  status: string;
  receivedAt: number;
}

/** A sent message as receipts are keyed: its batch and its action id. */
export interface MessageKey {
  batchId: string;
  actionId: string;
}

/**
 * The latest receipt of each message among `messages` that has one (newest received_at, then last
 * in its report), by action id; with `codes`, the latest among receipts of those status codes only.
 * Derived on read, so accepting a receipt never rewrites its message. Reads the messages' batches' receipts.
 */
export async function latestReceipts(db: Kysely<Database>, dialect: Dialect, messages: readonly MessageKey[], codes?: readonly string[]): Promise<Map<string, LatestReceipt>> {
  const latest = new Map<string, LatestReceipt>();
  if (codes?.length === 0 || messages.length === 0) return latest;
  const wanted = actionsByBatch(messages);
  await forEachReceiptOf(db, dialect, [...wanted.keys()], (batchId, receivedAt, actionId, _msgId, status) => {
    if (!wanted.get(batchId)!.has(actionId) || (codes && !codes.includes(status))) return;
    latest.set(actionId, { status, receivedAt });
  });
  return latest;
}

/** The newest `received_at` of any stored receipt of a journey's message (a partial index's last entry), or null: journeys read receipts up to it. */
export async function lastJourneyReceivedAt(db: Kysely<Database>): Promise<number | null> {
  const { rows } = await db.executeQuery<{ at: number | string | null }>(LAST_JOURNEY_RECEIPT);
  const at = rows[0]?.at;
  return at === null || at === undefined ? null : Number(at);
}

// Text, not built per call: every judgment look asks. The same on both dialects (no parameters).
const LAST_JOURNEY_RECEIPT = CompiledQuery.raw('select max(received_at) as at from batch_receipts where for_journey = 1');

/** One stored receipt of a message. */
export interface MessageReceipt {
  msgId: string;
  status: string;
  customerId: string;
  sendTime: string;
  receivedAt: number;
}

/** The receipts reported for one message (its batch and action id), oldest first. */
export async function listMessageReceipts(store: Store, message: MessageKey): Promise<MessageReceipt[]> {
  const sent = await store.db
    .selectFrom('delivery_messages')
    .select('customer_id')
    .where('batch_id', '=', message.batchId)
    .where('action_id', '=', message.actionId)
    .executeTakeFirst();
  if (!sent) return [];
  const receipts: MessageReceipt[] = [];
  await forEachReceiptOf(store.db, store.dialect, [message.batchId], (_batchId, receivedAt, actionId, msgId, status, sendTime) => {
    if (actionId === message.actionId) receipts.push({ msgId, status, customerId: sent.customer_id, sendTime, receivedAt });
  });
  return receipts;
}
