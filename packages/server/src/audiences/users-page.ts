/**
 * Reading an audience's users in customer_id order, as raw SQLite statements: the page thread
 * (tasks/page-thread.ts) reads pages on a connection of its own, without the database layer.
 */

/** The first page of an audience: `(audienceId, limit)`. */
export const SQLITE_FIRST_PAGE = 'select customer_id as customerId, ids, attributes from audience_users where audience_id = ? order by customer_id limit ?';
/** A page after a customer id: `(audienceId, afterCustomerId, limit)`. */
export const SQLITE_NEXT_PAGE =
  'select customer_id as customerId, ids, attributes from audience_users where audience_id = ? and customer_id > ? order by customer_id limit ?';

/** Stored JSON is written only by the import, which guarantees an object of strings; anything else reads as empty. */
export function parseStrings(json: string): Record<string, string> {
  try {
    const value: unknown = JSON.parse(json);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, string>;
  } catch {
    // fall through
  }
  return {};
}
