/**
 * A batch's roster (delivery_rosters, migration 0018): its users as a JSON array of RosterEntry, in
 * action id order. Written by build-batches.ts, read by receipt matching; the delivery_messages view
 * expands it in SQL.
 */

/** One user of a batch's roster. */
export type RosterEntry = [actionId: string, customerId: string, targetType: string, targetId: string];

/** A roster as stored on SQLite (JSON text; PostgreSQL casts it to jsonb on insert). */
export function encodeRoster(entries: readonly RosterEntry[]): string {
  return JSON.stringify(entries);
}

/**
 * The entries of `actionIds` in a roster's JSON text, found by their opening `["<action id>",` and
 * parsed alone. An entry ends at one of the `]` after it: the first whose text parses as an entry of
 * that action id (a `]` inside a customer id only costs a retry).
 */
export function findInRoster(roster: string, actionIds: ReadonlySet<string>): RosterEntry[] {
  const entries: RosterEntry[] = [];
  for (const actionId of actionIds) {
    const start = roster.indexOf(`[${JSON.stringify(actionId)},`);
    if (start < 0) continue;
    for (let end = roster.indexOf(']', start); end >= 0; end = roster.indexOf(']', end + 1)) {
      const entry = parseEntry(roster.slice(start, end + 1));
      if (entry && entry[0] === actionId) {
        entries.push(entry);
        break;
      }
    }
  }
  return entries;
}

function parseEntry(text: string): RosterEntry | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) && value.length === 4 ? (value as RosterEntry) : undefined;
  } catch {
    return undefined;
  }
}

/** A roster as read: JSON text on SQLite, already parsed (jsonb) on PostgreSQL. */
export function rosterEntries(roster: unknown): RosterEntry[] {
  return (typeof roster === 'string' ? JSON.parse(roster) : roster) as RosterEntry[];
}
