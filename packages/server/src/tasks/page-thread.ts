/**
 * The page thread's entry (started by page-source.ts): reads audience pages on a read-only SQLite
 * connection of its own and builds them, so the event loop only inserts them and sends: a task's
 * batches (variables, ids, serialised bodies), or a journey's audience entry (who may enter, their
 * walk, batches, instances and cohorts). Answers each `{id, job}` with `{id, page}` or `{id, error}`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import { parseStrings, SQLITE_FIRST_PAGE, SQLITE_NEXT_PAGE } from '../audiences/users-page.js';
import { buildEntryPage, COHORT_ENTRIES_BETWEEN, enteredBefore, INSTANCES_BETWEEN, type EntryPageRequest } from '../journeys/entry-page.js';
import { compileGraph, type JourneyGraph } from '../journeys/graph.js';
import { buildPage } from './build-page.js';
import type { PageJob } from './page-source.js';

const port = parentPort!;
const db = new SqliteDatabase((workerData as { file: string }).file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
const first = db.prepare(SQLITE_FIRST_PAGE);
const next = db.prepare(SQLITE_NEXT_PAGE);
const instancesBetween = db.prepare(INSTANCES_BETWEEN);
const cohortEntriesBetween = db.prepare(COHORT_ENTRIES_BETWEEN);

type StoredUser = { customerId: string; ids: string; attributes: string };

const readPage = (request: { audienceId: string; cursor: string | null; pageSize: number }): StoredUser[] =>
  (request.cursor === null ? first.all(request.audienceId, request.pageSize) : next.all(request.audienceId, request.cursor, request.pageSize)) as StoredUser[];

/** Compiled graphs of the versions entering now (published versions never change); a few at a time. */
const graphs = new Map<string, JourneyGraph>();

function graphOf(request: EntryPageRequest): JourneyGraph {
  const key = `${request.journeyId}@${request.version}`;
  let graph = graphs.get(key);
  if (!graph) {
    if (graphs.size >= 16) graphs.clear();
    graphs.set(key, (graph = compileGraph(request.definition)));
  }
  return graph;
}

function buildEntry(request: EntryPageRequest) {
  const users = readPage(request);
  let taken = new Set<string>();
  if (users.length > 0) {
    const range = [request.journeyId, users[0]!.customerId, users[users.length - 1]!.customerId];
    taken = enteredBefore(instancesBetween.all(...range) as { customer_id: string; entry_key: string | null; status: string }[], cohortEntriesBetween.all(...range) as { customer_id: string }[]);
  }
  return buildEntryPage(users, taken, request, graphOf(request));
}

port.on('message', (message: { id: number; job: PageJob } | 'stop') => {
  if (message === 'stop') {
    db.close();
    port.close();
    return;
  }
  const { id, job } = message;
  try {
    if (job.kind === 'entry') {
      port.postMessage({ id, page: buildEntry(job.request) });
      return;
    }
    const users = readPage(job.request).map((r) => ({ customerId: r.customerId, ids: parseStrings(r.ids), attributes: parseStrings(r.attributes) }));
    port.postMessage({ id, page: buildPage(users, job.request) });
  } catch (error) {
    port.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
