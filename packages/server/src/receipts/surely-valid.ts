import { ID_PATTERN, MAX_RECEIPTS, RECEIPT_LIMITS } from './schemas.js';

/**
 * A quick check of a receipt report against schemas.ts's ReceiptList, in one pass without ajv (whose
 * validation took about 7% of the receipts route's CPU). It may refuse a valid report, never accept
 * an invalid one: a report it refuses goes through ajv, which gives the errors. Lengths are compared
 * in UTF-16 units, never fewer than the code points ajv counts, so a string it accepts is within ajv's
 * limits too. `controlFree`: the caller knows no string in `data` holds a control character or DEL
 * (`isControlFreeJsonBytes` of the JSON it was parsed from), so ids are not matched against ID_PATTERN.
 */
export function isSurelyValidReceiptList(data: unknown, controlFree = false): boolean {
  if (!Array.isArray(data) || data.length > MAX_RECEIPTS) return false;
  const isId = controlFree ? isText : isIdText;
  for (const receipt of data) if (!isSurelyValidReceipt(receipt, isId)) return false;
  return true;
}

type IdCheck = (value: unknown, min: number, max: number) => boolean;

const RECEIPT_FIELDS = new Set(['msg_id', 'status', 'cst_id', 'send_time', 'callback_params']);
const ID_TEXT = new RegExp(ID_PATTERN);
const SEND_TIME = /^[0-9]{1,16}$/;

function isSurelyValidReceipt(value: unknown, isId: IdCheck): boolean {
  if (!isPlainObject(value)) return false;
  // Unknown fields are refused here; a missing one fails its own check below.
  for (const key in value) if (!RECEIPT_FIELDS.has(key)) return false;
  return (
    isId(value.msg_id, 1, RECEIPT_LIMITS.msgId) &&
    isText(value.status, 1, RECEIPT_LIMITS.status) &&
    isId(value.cst_id, 0, RECEIPT_LIMITS.customerId) &&
    typeof value.send_time === 'string' &&
    SEND_TIME.test(value.send_time) &&
    isSurelyValidCallbackParams(value.callback_params, isId)
  );
}

function isSurelyValidCallbackParams(value: unknown, isId: IdCheck): boolean {
  if (!isPlainObject(value)) return false;
  if (!isId(value.webhook_id, 1, RECEIPT_LIMITS.id) || !isId(value.batchId, 1, RECEIPT_LIMITS.id) || !isId(value.actionId, 1, RECEIPT_LIMITS.id)) return false;
  if (!isId(value.customerId, 0, RECEIPT_LIMITS.customerId)) return false;
  for (const key in value) {
    if (key === 'webhook_id' || key === 'batchId' || key === 'actionId' || key === 'customerId') continue;
    // What secure-json-parse refuses: left to routes.ts's scan, so that the answer is the same.
    if (key === '__proto__' || key === 'constructor') return false;
    if (!isText(value[key], 0, RECEIPT_LIMITS.paramValue)) return false;
  }
  return true;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown, min: number, max: number): value is string {
  return typeof value === 'string' && value.length >= min && value.length <= max;
}

function isIdText(value: unknown, min: number, max: number): boolean {
  return isText(value, min, max) && ID_TEXT.test(value);
}
