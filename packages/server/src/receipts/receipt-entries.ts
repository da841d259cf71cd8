/*
 * A batch_receipts row's `entries` (migration 0022): a JSON array of four strings per receipt,
 * in report order. Written and read only here.
 */

/** Strings per receipt in `entries`: action_id, msg_id, status, send_time. */
export const ENTRY_WIDTH = 4;
const ACTION = 0;
const MSG = 1;
const STATUS = 2;
const SEND_TIME = 3;

/** Appends a receipt to the flat list that `encodeEntries` turns into a row's `entries`. */
export function addEntry(flat: string[], actionId: string, msgId: string, status: string, sendTime: string): void {
  flat.push(actionId, msgId, status, sendTime);
}

/** A row's `entries` text from the flat list. */
export function encodeEntries(flat: readonly string[]): string {
  return JSON.stringify(flat);
}

/** Calls `visit` with each receipt of a row's `entries`, in report order. */
export function forEachEntry(entries: string, visit: (actionId: string, msgId: string, status: string, sendTime: string) => void): void {
  const flat = JSON.parse(entries) as string[];
  for (let i = 0; i < flat.length; i += ENTRY_WIDTH) visit(flat[i + ACTION]!, flat[i + MSG]!, flat[i + STATUS]!, flat[i + SEND_TIME]!);
}
