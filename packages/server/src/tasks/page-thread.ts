/**
 * The task page thread's entry (started by page-source.ts): reads audience pages on a read-only
 * SQLite connection of its own and builds their batches (variables, ids, serialised bodies), so the
 * event loop only inserts them and sends. Answers each `{id, request}` with `{id, page}` or `{id, error}`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import { parseStrings, SQLITE_FIRST_PAGE, SQLITE_NEXT_PAGE } from '../audiences/users-page.js';
import { buildPage, type PageRequest } from './build-page.js';

const port = parentPort!;
const db = new SqliteDatabase((workerData as { file: string }).file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
const first = db.prepare(SQLITE_FIRST_PAGE);
const next = db.prepare(SQLITE_NEXT_PAGE);

type StoredUser = { customerId: string; ids: string; attributes: string };

port.on('message', (message: { id: number; request: PageRequest } | 'stop') => {
  if (message === 'stop') {
    db.close();
    port.close();
    return;
  }
  const { id, request } = message;
  try {
    const rows = (request.cursor === null ? first.all(request.audienceId, request.pageSize) : next.all(request.audienceId, request.cursor, request.pageSize)) as StoredUser[];
    const users = rows.map((r) => ({ customerId: r.customerId, ids: parseStrings(r.ids), attributes: parseStrings(r.attributes) }));
    port.postMessage({ id, page: buildPage(users, request) });
  } catch (error) {
    port.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
