import type { AcceptedReceipt } from './judge-receipts.js';
import type { ReceiptCountIncrement, StoredReceipt } from './counts-store.js';
import { receiptKey, type NewReceipt } from './store.js';

/** Strings of one message: one while there is one (nearly always), then a set. */
type OneOrMore = string | Set<string>;

/** `value` added to `values`, or undefined when it was there already. */
function added(values: OneOrMore, value: string): OneOrMore | undefined {
  if (typeof values === 'string') return values === value ? undefined : new Set([values, value]);
  if (values.has(value)) return undefined;
  values.add(value);
  return values;
}

/** What a message holds so far: its msg_ids and the status codes they reported. */
interface Held {
  msgIds: OneOrMore;
  codes: OneOrMore;
}

/** Adds a receipt to what its message holds: a repeat (its msg_id is held already), or new with a code new or known to the message. */
function hold(held: Map<string, Held>, actionId: string, msgId: string, status: string): 'repeat' | 'new code' | 'known code' {
  const before = held.get(actionId);
  if (before === undefined) {
    held.set(actionId, { msgIds: msgId, codes: status });
    return 'new code';
  }
  const msgIds = added(before.msgIds, msgId);
  if (msgIds === undefined) return 'repeat';
  before.msgIds = msgIds;
  const codes = added(before.codes, status);
  if (codes === undefined) return 'known code';
  before.codes = codes;
  return 'new code';
}

/**
 * What a report adds to what its messages hold (`stored`): the receipts to insert, in report order,
 * one per message and msg_id (the first wins; one already stored is acknowledged only), and what
 * they add to each batch's counts per status code: every receipt inserted, and each user once per
 * code it had not reported before. Pure.
 */
export function newReceipts(accepted: readonly AcceptedReceipt[], stored: readonly StoredReceipt[]): { rows: NewReceipt[]; counts: ReceiptCountIncrement[] } {
  // Keyed by action id alone: a string per message and msg_id would be built and hashed for every receipt.
  const held = new Map<string, Held>();
  for (const s of stored) hold(held, s.action_id, s.msg_id, s.status);
  const rows: NewReceipt[] = [];
  const counts = new Map<string, ReceiptCountIncrement>();
  // A report's receipts mostly come batch by batch with one code: the last count is checked first.
  let count: ReceiptCountIncrement | undefined;
  for (const { receipt, message } of accepted) {
    const kept = hold(held, message.actionId, receipt.msg_id, receipt.status);
    if (kept === 'repeat') continue;
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
    if (kept === 'new code') count.users++;
  }
  return { rows, counts: [...counts.values()] };
}
