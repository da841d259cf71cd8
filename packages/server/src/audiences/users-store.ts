import { CompiledQuery, type Kysely } from 'kysely';
import type { Dialect } from '../store/dialect.js';
import type { Database } from '../store/schema.js';
import type { AudienceUser } from './store.js';

/** Rows per SQLite statement (5 parameters each; SQLite allows 32,766). */
const SQLITE_ROWS = 200;

const UPSERT_TAIL = ' on conflict (audience_id, customer_id) do update set ids = excluded.ids, attributes = excluded.attributes, updated_at = excluded.updated_at';

const POSTGRES_UPSERT =
  'insert into audience_users (audience_id, customer_id, ids, attributes, updated_at) ' +
  'select $1, u.customer_id, u.ids, u.attributes, $2 from unnest($3::text[], $4::text[], $5::text[]) as u(customer_id, ids, attributes)' +
  UPSERT_TAIL;

const sqliteStatements = new Map<number, string>();

/** `insert ... values (?,?,?,?,?) x rows ... on conflict do update`, built once per row count. */
function sqliteUpsert(rows: number): string {
  let text = sqliteStatements.get(rows);
  if (text === undefined) {
    text = `insert into audience_users (audience_id, customer_id, ids, attributes, updated_at) values ${Array(rows).fill('(?, ?, ?, ?, ?)').join(', ')}${UPSERT_TAIL}`;
    sqliteStatements.set(rows, text);
  }
  return text;
}

/**
 * Writes users into an audience, replacing the IDs and attributes of those already there. Call it
 * inside a transaction; `users` must not repeat a customer_id (PostgreSQL refuses to update a row
 * twice in one statement). Multi-row statements with bound parameters: one unnest statement on
 * PostgreSQL, statements of SQLITE_ROWS rows on SQLite.
 */
export async function upsertAudienceUsers(db: Kysely<Database>, dialect: Dialect, audienceId: string, users: readonly AudienceUser[], now: number): Promise<void> {
  if (users.length === 0) return;
  if (dialect === 'postgres') {
    const customerIds: string[] = [];
    const ids: string[] = [];
    const attributes: string[] = [];
    for (const user of users) {
      customerIds.push(user.customerId);
      ids.push(JSON.stringify(user.ids));
      attributes.push(JSON.stringify(user.attributes));
    }
    await db.executeQuery(CompiledQuery.raw(POSTGRES_UPSERT, [audienceId, now, customerIds, ids, attributes]));
    return;
  }
  for (let start = 0; start < users.length; start += SQLITE_ROWS) {
    const end = Math.min(start + SQLITE_ROWS, users.length);
    const params: unknown[] = [];
    for (let i = start; i < end; i++) {
      const user = users[i]!;
      params.push(audienceId, user.customerId, JSON.stringify(user.ids), JSON.stringify(user.attributes), now);
    }
    await db.executeQuery(CompiledQuery.raw(sqliteUpsert(end - start), params));
  }
}
