import type { AcceptedReceipt } from './judge-receipts.js';
import { receiptKey, type NewReceipt, type ReceiptCountIncrement, type StoredReceipt } from './store.js';

/**
 * What a report adds to what its batches hold (`stored`): the receipts to insert, in report order,
 * one per message and msg_id (the first wins; one already stored is acknowledged only), and what
 * they add to each batch's counts per status code: every receipt inserted, and each user once per
 * code it had not reported before. Pure.
 */
export function newReceipts(accepted: readonly AcceptedReceipt[], stored: readonly StoredReceipt[]): { rows: NewReceipt[]; counts: ReceiptCountIncrement[] } {
  const seen = new Set<string>();
  const reported = new Set<string>();
  for (const s of stored) {
    seen.add(receiptKey(s.action_id, s.msg_id));
    reported.add(receiptKey(s.action_id, s.status));
  }
  const rows: NewReceipt[] = [];
  const counts = new Map<string, ReceiptCountIncrement>();
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
      position: rows.length,
      for_journey: message.fromJourney ? 1 : null,
    });
    const countKey = receiptKey(message.batchId, receipt.status);
    let count = counts.get(countKey);
    if (!count) counts.set(countKey, (count = { batch_id: message.batchId, status: receipt.status, receipts: 0, users: 0 }));
    count.receipts++;
    const userKey = receiptKey(message.actionId, receipt.status);
    if (!reported.has(userKey)) {
      reported.add(userKey);
      count.users++;
    }
  }
  return { rows, counts: [...counts.values()] };
}
