import { Readable } from 'node:stream';
import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { latestReceipts } from '../receipts/store.js';
import type { TaskRow } from '../store/schema.js';
import { findWebhook } from '../webhooks/store.js';
import { toCsvLine } from './csv.js';
import { readTaskFor } from './read-task.js';
import { countRecipients, readRecipients, type RecipientCursor, type RecipientFilter, type RecipientRow, type RecipientStatus } from './recipients-store.js';
import type { RecipientQuery, TaskRecipient } from './schemas.js';

const iso = (ms: number): string => new Date(ms).toISOString();

/** Recipients per page of the CSV export: memory holds one page, whatever the task's size. */
const EXPORT_PAGE = 1_000;

/** `after` of a page: `<batchId>-<actionId>` (ids never contain `-`). */
export function encodeCursor(row: Pick<RecipientRow, 'batch_id' | 'action_id'>): string {
  return `${row.batch_id}-${row.action_id}`;
}

function parseCursor(after: string | undefined): RecipientCursor | null {
  if (after === undefined) return null;
  const dash = after.indexOf('-');
  if (dash <= 0 || dash === after.length - 1) throw errors.validation([{ path: 'query.after', message: 'is not a cursor from a previous page' }]);
  return { batchId: after.slice(0, dash), actionId: after.slice(dash + 1) };
}

/** The last failed attempt of a batch, in words (with the receiver's own message, when it gave one); null once it succeeded. */
export function describeError(batchStatus: string, lastError: string | null): string | null {
  if (batchStatus === 'succeeded' || lastError === null) return null;
  try {
    const e = JSON.parse(lastError) as { error?: unknown; httpStatus?: unknown; code?: unknown; message?: unknown };
    const words = typeof e.error === 'string' && e.error !== '' ? e.error : [typeof e.httpStatus === 'number' ? `HTTP ${e.httpStatus}` : '', typeof e.code === 'string' ? e.code : ''].filter((p) => p !== '').join(' ');
    const said = typeof e.message === 'string' && e.message !== '' ? `receiver message: ${e.message}` : '';
    return [words, said].filter((p) => p !== '').join('; ') || null;
  } catch {
    return lastError;
  }
}

/** Turns rows into recipients, with their latest receipts and the receipt statuses' meanings. */
async function toRecipients(ctx: AppContext, rows: readonly RecipientRow[], statusValues: ReadonlyMap<string, string>): Promise<TaskRecipient[]> {
  const receipts = await latestReceipts(ctx.store.db, ctx.store.dialect, rows.map((r) => ({ batchId: r.batch_id, actionId: r.action_id })));
  return rows.map((r) => {
    const receipt = receipts.get(r.action_id);
    const status: RecipientStatus = r.batch_status === 'sending' ? 'pending' : (r.batch_status as RecipientStatus);
    return {
      customerId: r.customer_id,
      targetType: r.target_type,
      targetId: r.target_id,
      actionId: r.action_id,
      batchId: r.batch_id,
      status,
      sentAt: status === 'succeeded' && r.finished_at !== null ? iso(r.finished_at) : null,
      error: describeError(r.batch_status, r.last_error),
      receiptStatus: receipt?.status ?? null,
      receiptValue: receipt ? (statusValues.get(receipt.status) ?? null) : null,
      receiptAt: receipt ? iso(receipt.receivedAt) : null,
    };
  });
}

async function statusValuesOf(ctx: AppContext, task: TaskRow): Promise<Map<string, string>> {
  const record = await findWebhook(ctx.store.db, task.workspace_id, task.webhook_id);
  return new Map((record?.webhook.receipt.statuses ?? []).map((s) => [s.code, s.value]));
}

const filterOf = (query: RecipientQuery): RecipientFilter => ({ status: query.status, receiptStatus: query.receiptStatus, hasReceipt: query.hasReceipt });

/** One page of a task's recipients, filterable by delivery status and receipt. */
export async function listRecipients(ctx: AppContext, principal: Principal, id: string, query: RecipientQuery): Promise<{ items: TaskRecipient[]; nextCursor: string | null; total: number | null }> {
  const cursor = parseCursor(query.after);
  const task = await readTaskFor(ctx, principal, id);
  const limit = query.limit ?? 100;
  const filter = filterOf(query);
  const receiptFiltered = filter.receiptStatus !== undefined || filter.hasReceipt !== undefined;
  const [rows, total, values] = await Promise.all([
    readRecipients(ctx.store.db, ctx.store.dialect, id, filter, cursor, limit + 1),
    receiptFiltered ? null : countRecipients(ctx.store.db, id, filter.status),
    statusValuesOf(ctx, task),
  ]);
  const page = rows.slice(0, limit);
  return { items: await toRecipients(ctx, page, values), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null, total };
}

export const CSV_COLUMNS = ['customer_id', 'target_type', 'target_id', 'action_id', 'batch_id', 'status', 'sent_at', 'error', 'receipt_status', 'receipt_value', 'receipt_at'] as const;

/** Every matching recipient as CSV, streamed page by page from the store. Access is checked before the first byte. */
export async function exportRecipients(ctx: AppContext, principal: Principal, id: string, query: RecipientQuery): Promise<{ fileName: string; stream: Readable }> {
  const task = await readTaskFor(ctx, principal, id);
  const values = await statusValuesOf(ctx, task);
  const filter = filterOf(query);
  async function* lines(): AsyncGenerator<string> {
    yield toCsvLine(CSV_COLUMNS);
    let cursor: RecipientCursor | null = null;
    for (;;) {
      const rows = await readRecipients(ctx.store.db, ctx.store.dialect, id, filter, cursor, EXPORT_PAGE);
      if (rows.length === 0) return;
      const recipients = await toRecipients(ctx, rows, values);
      yield recipients
        .map((r) => toCsvLine([r.customerId, r.targetType, r.targetId, r.actionId, r.batchId, r.status, r.sentAt, r.error, r.receiptStatus, r.receiptValue, r.receiptAt]))
        .join('');
      if (rows.length < EXPORT_PAGE) return;
      const last = rows[rows.length - 1]!;
      cursor = { batchId: last.batch_id, actionId: last.action_id };
    }
  }
  return { fileName: `task-${id}-recipients.csv`, stream: Readable.from(lines()) };
}
