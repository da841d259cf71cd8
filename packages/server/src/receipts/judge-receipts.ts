import type { DeliveredMessage, ReceiptWebhook } from './store.js';

/** One receipt as the body schema guarantees it. */
export interface ReceiptInput {
  msg_id: string;
  status: string;
  cst_id: string;
  send_time: string;
  callback_params: { webhook_id: string; batchId: string; actionId: string; customerId: string; [name: string]: string };
}

/** A refused receipt: its position in the report and why. */
export interface Rejection {
  index: number;
  msg_id: string;
  reason: string;
}

/** A receipt that may be stored, with the message it reports on. */
export interface AcceptedReceipt {
  receipt: ReceiptInput;
  message: DeliveredMessage;
}

const HOUR_MS = 3_600_000;
const quote = (text: string): string => JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);

/** Why `receipt` may not be stored, or undefined when it may. */
function refusal(receipt: ReceiptInput, webhook: ReceiptWebhook | undefined, message: DeliveredMessage | undefined, nowMs: number): string | undefined {
  const params = receipt.callback_params;
  if (!webhook) return `callback_params.webhook_id ${quote(params.webhook_id)} is not a webhook`;
  if (!webhook.receiptEnabled) return `receipts are not enabled on webhook ${quote(webhook.id)}`;
  // Messages are known by batch and action id together: a wrong batchId alone finds no message.
  if (!message) return `callback_params.actionId ${quote(params.actionId)} is not a message sent through Hookreach in batchId ${quote(params.batchId)}`;
  const mismatched: string[] = [];
  if (message.webhookId !== params.webhook_id) mismatched.push('webhook_id');
  if (message.batchId !== params.batchId) mismatched.push('batchId');
  if (message.customerId !== params.customerId) mismatched.push('customerId');
  if (mismatched.length > 0) return `callback_params.${mismatched.join(', ')} ${mismatched.length === 1 ? 'does' : 'do'} not match the message sent as actionId ${quote(params.actionId)}`;
  if (receipt.cst_id !== message.customerId) return `cst_id ${quote(receipt.cst_id)} is not the customer the message was sent to`;
  if (!webhook.statuses.has(receipt.status)) return `status ${quote(receipt.status)} is not a receipt status of webhook ${quote(webhook.id)}`;
  const endsAt = message.sentAt + webhook.retentionHours * HOUR_MS;
  if (nowMs > endsAt) return `the webhook's retention period (${webhook.retentionHours} h after the send) ended at ${new Date(endsAt).toISOString()}`;
  return undefined;
}

/**
 * Sorts a report's receipts into those to store and those refused, with the reason of each
 * refusal. Pure: the webhooks and messages are loaded beforehand, in bulk.
 */
export function judgeReceipts(
  receipts: readonly ReceiptInput[],
  webhooks: ReadonlyMap<string, ReceiptWebhook>,
  messages: ReadonlyMap<string, DeliveredMessage>,
  nowMs: number,
): { accepted: AcceptedReceipt[]; rejected: Rejection[] } {
  const accepted: AcceptedReceipt[] = [];
  const rejected: Rejection[] = [];
  for (let index = 0; index < receipts.length; index++) {
    const receipt = receipts[index]!;
    const message = messages.get(receipt.callback_params.actionId);
    const reason = refusal(receipt, webhooks.get(receipt.callback_params.webhook_id), message, nowMs);
    if (reason === undefined) accepted.push({ receipt, message: message! });
    else rejected.push({ index, msg_id: receipt.msg_id, reason });
  }
  return { accepted, rejected };
}
