import type { AcceptedReceipt } from './judge-receipts.js';
import type { ReceiptCountIncrement, StoredReceipt } from './counts-store.js';
import { receiptKey, type NewReceipt } from './store.js';

/** The status codes a user reported: one string while there is one (nearly always), then a list. */
type Reported = Map<string, string | string[]>;

/** Records that `actionId` reported `status`; false when it had already. */
function report(reported: Reported, actionId: string, status: string): boolean {
  const before = reported.get(actionId);
  if (before === undefined) reported.set(actionId, status);
  else if (before === status || (Array.isArray(before) && before.includes(status))) return false;
  else if (Array.isArray(before)) before.push(status);
  else reported.set(actionId, [before, status]);
  return true;
}

/**
 * What a report adds to what its messages hold (`stored`): the receipts to insert, in report order,
 * one per message and msg_id (the first wins; one already stored is acknowledged only), and what
 * they add to each batch's counts per status code: every receipt inserted, and each user once per
 * code it had not reported before. Pure.
 */
export function newReceipts(accepted: readonly AcceptedReceipt[], stored: readonly StoredReceipt[]): { rows: NewReceipt[]; counts: ReceiptCountIncrement[] } {
  const seen = new Set<string>();
  const reported: Reported = new Map();
  for (const s of stored) {
    seen.add(receiptKey(s.action_id, s.msg_id));
    report(reported, s.action_id, s.status);
  }
  const rows: NewReceipt[] = [];
  const counts = new Map<string, ReceiptCountIncrement>();
  // A report's receipts mostly come batch by batch with one code: the last count is checked first.
  let count: ReceiptCountIncrement | undefined;
  for (const { receipt, message } of accepted) {
    const key = receiptKey(message.actionId, receipt.msg_id);
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push({
      batch_id: message.batchId,
      action_id: message.actionId,
      msg_id: receipt.msg_id,
      status: receipt.status,
      send_time: receipt.send_time,
      for_journey: message.fromJourney ? 1 : null,
    });
    if (count?.batch_id !== message.batchId || count.status !== receipt.status) {
      const countKey = receiptKey(message.batchId, receipt.status);
      count = counts.get(countKey);
      if (!count) counts.set(countKey, (count = { batch_id: message.batchId, status: receipt.status, receipts: 0, users: 0 }));
    }
    count.receipts++;
    if (report(reported, message.actionId, receipt.status)) count.users++;
  }
  return { rows, counts: [...counts.values()] };
}
