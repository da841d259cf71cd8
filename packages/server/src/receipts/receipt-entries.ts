/*
 * A batch_receipts row's `entries` (migration 0022): four fields per receipt (action_id, msg_id,
 * status, send_time), in report order, all joined by SEPARATOR. No field can hold it: action ids are
 * Hookreach's, a msg_id matches the receipts schema's ID_PATTERN (no control character), a status is
 * a configured code (STATUS_CODE) and a send_time is digits. Joining and splitting cost a fraction of
 * JSON.stringify and JSON.parse, which scan every character for escapes. Written and read only here.
 */

/** What joins the fields: U+0001, a control character no field may hold. */
export const ENTRY_SEPARATOR = '\u0001';
/** Fields per receipt in `entries`: action_id, msg_id, status, send_time. */
const ENTRY_WIDTH = 4;

/** Appends a receipt to the flat list that `encodeEntries` turns into a row's `entries`. */
export function addEntry(flat: string[], actionId: string, msgId: string, status: string, sendTime: string): void {
  flat.push(actionId, msgId, status, sendTime);
}

/** A row's `entries` text from the flat list. */
export function encodeEntries(flat: readonly string[]): string {
  return flat.join(ENTRY_SEPARATOR);
}

/** Calls `visit` with each receipt of a row's `entries`, in report order. Refuses a text that is not whole receipts (a damaged row is an error, not an empty one). */
export function forEachEntry(entries: string, visit: (actionId: string, msgId: string, status: string, sendTime: string) => void): void {
  const flat = entries.split(ENTRY_SEPARATOR);
  if (flat.length % ENTRY_WIDTH !== 0) throw new Error(`batch_receipts entries hold ${flat.length} fields, not whole receipts of ${ENTRY_WIDTH}`);
  for (let i = 0; i < flat.length; i += ENTRY_WIDTH) visit(flat[i]!, flat[i + 1]!, flat[i + 2]!, flat[i + 3]!);
}
