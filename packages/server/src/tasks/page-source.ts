import { Worker } from 'node:worker_threads';
import { CompiledQuery, type Kysely } from 'kysely';
import { readAudienceJsonPage, readAudienceUsersPage } from '../audiences/store.js';
import { buildEntryPage, COHORT_ENTRIES_BETWEEN, enteredBefore, INSTANCES_BETWEEN, type EntryPage, type EntryPageRequest } from '../journeys/entry-page.js';
import { compileGraph } from '../journeys/graph.js';
import type { Store } from '../store/database.js';
import type { Dialect } from '../store/dialect.js';
import { dialectText } from '../store/queries.js';
import type { Database } from '../store/schema.js';
import { buildPage, type BuiltPage, type PageRequest } from './build-page.js';

/** Where the runners have audience pages read and built: a task's pages, and a journey's audience entry pages. */
export interface PageSource {
  /** Whether a runner should ask for the next page before inserting this one (it is built elsewhere meanwhile). */
  readonly ahead: boolean;
  build(request: PageRequest): Promise<BuiltPage>;
  buildEntry(request: EntryPageRequest): Promise<EntryPage>;
  /** Ends the thread, if any; pages still being built are refused. */
  close(): Promise<void>;
}

const INSTANCES_BETWEEN_TEXT = dialectText(INSTANCES_BETWEEN);
const COHORT_ENTRIES_BETWEEN_TEXT = dialectText(COHORT_ENTRIES_BETWEEN);

/** Reads and builds pages on the event loop, through the store (PostgreSQL, in-memory SQLite). */
export function inlinePageSource(db: Kysely<Database>, dialect: Dialect): PageSource {
  return {
    ahead: false,
    async build(request) {
      return buildPage(await readAudienceUsersPage(db, request.audienceId, request.cursor, request.pageSize), request);
    },
    async buildEntry(request) {
      // Kept as stored: the instance holds the same JSON, parsed only where a webhook node reads it.
      const users = await readAudienceJsonPage(db, request.audienceId, request.cursor, request.pageSize);
      let taken = new Set<string>();
      if (users.length > 0) {
        const range = [request.journeyId, users[0]!.customerId, users[users.length - 1]!.customerId];
        const instances = await db.executeQuery<{ customer_id: string; entry_key: string | null; status: string }>(CompiledQuery.raw(INSTANCES_BETWEEN_TEXT[dialect], range));
        const entries = await db.executeQuery<{ customer_id: string }>(CompiledQuery.raw(COHORT_ENTRIES_BETWEEN_TEXT[dialect], range));
        taken = enteredBefore(instances.rows, entries.rows);
      }
      return buildEntryPage(users, taken, request, compileGraph(request.definition));
    },
    async close() {},
  };
}

/** The thread's bundle, beside the server's bundle (scripts/bundle-server.mjs writes both). */
export const PAGE_THREAD_BUNDLE = 'task-page-thread.mjs';

function threadEntry(): URL {
  // Bundled, this module is part of one .mjs file; from sources, a loader file starts the TypeScript.
  return import.meta.url.endsWith('.mjs') ? new URL(`./${PAGE_THREAD_BUNDLE}`, import.meta.url) : new URL('./page-thread-dev.mjs', import.meta.url);
}

/**
 * The thread's heap: V8 would otherwise let it grow to about 80 MB of mostly garbage (a page's live
 * data is a few MB), which the 300 MB budget of a large task cannot spare.
 */
const THREAD_HEAP = { maxYoungGenerationSizeMb: 12, maxOldGenerationSizeMb: 64 };

/** A thread that owed no page for this long ends, and its heap goes back to the system until the next task. */
const THREAD_IDLE_MS = 2_000;

/** A page still owed when its thread was closed: refused, not built elsewhere. */
class PageThreadClosed extends Error {
  constructor() {
    super('page thread closed');
  }
}

type Pending = { resolve(page: BuiltPage | EntryPage): void; reject(error: Error): void };

/** What the thread is asked for: a task's page or a journey's entry page. */
export type PageJob = { kind: 'task'; request: PageRequest } | { kind: 'entry'; request: EntryPageRequest };

/**
 * Reads and builds pages on a thread with its own read-only connection to the SQLite file `file`,
 * while the event loop inserts and sends the pages before (docs/tasks.md, "Page thread"). A page the
 * thread fails to build (it cannot open the file, runs out of memory, dies, or the build throws) is
 * built again by `fallback` on the event loop, which succeeds or fails as it would have alone. With no
 * thread running, a page is built by `fallback` and a thread is started if more pages follow (again
 * after a failure, or after the thread ended idle); it keeps the process alive only while it owes a page.
 */
export function threadPageSource(
  file: string,
  fallback: PageSource,
  { idleMs = THREAD_IDLE_MS, onFailure = () => {} }: { idleMs?: number; onFailure?: (error: Error) => void } = {},
): PageSource & { readonly threadRunning: boolean } {
  let worker: Worker | undefined;
  let nextId = 0;
  let idle: NodeJS.Timeout | undefined;
  const pending = new Map<number, Pending>();
  const fail = (failed: Worker, error: Error) => {
    if (worker !== failed) return;
    worker = undefined;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  const start = (): Worker => {
    const started = new Worker(threadEntry(), { workerData: { file }, resourceLimits: THREAD_HEAP });
    started.unref();
    started.on('message', (m: { id: number; page?: BuiltPage | EntryPage; error?: string }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (pending.size === 0) {
        started.unref();
        idle = setTimeout(() => {
          if (worker !== started || pending.size > 0) return;
          worker = undefined;
          void started.terminate();
        }, idleMs).unref();
      }
      if (m.error !== undefined) p.reject(new Error(`page thread: ${m.error}`));
      else p.resolve(m.page!);
    });
    started.on('error', (error) => fail(started, new Error(`page thread: ${error.message}`)));
    started.on('exit', (code) => fail(started, new Error(`page thread exited with code ${code}`)));
    return started;
  };
  /** Builds on the thread, or with `inline` (the fallback's) while none runs or when the thread fails; `last` tells whether pages follow. */
  const run = async <T extends BuiltPage | EntryPage>(job: PageJob, inline: () => Promise<T>, last: (page: T) => boolean): Promise<T> => {
    clearTimeout(idle);
    if (!worker) {
      // A thread takes tens of milliseconds to start (more from sources): the first page is built on the
      // event loop meanwhile, so a run is never held up by it, and a one-page run never starts one.
      const first = await inline();
      if (!last(first)) worker ??= start();
      return first;
    }
    const thread = worker;
    const id = nextId++;
    const built = new Promise<T>((resolve, reject) => {
      if (pending.size === 0) thread.ref();
      pending.set(id, { resolve: resolve as Pending['resolve'], reject });
      thread.postMessage({ id, job });
    });
    return built.catch((error: unknown) => {
      if (error instanceof PageThreadClosed) throw error;
      onFailure(error as Error);
      return inline();
    });
  };
  return {
    ahead: true,
    get threadRunning() {
      return worker !== undefined;
    },
    build: (request) => run({ kind: 'task', request }, () => fallback.build(request), (page) => page.progress.last),
    buildEntry: (request) => run({ kind: 'entry', request }, () => fallback.buildEntry(request), (page) => page.last),
    async close() {
      clearTimeout(idle);
      const thread = worker;
      if (!thread) return;
      fail(thread, new PageThreadClosed());
      await thread.terminate();
    },
  };
}

/**
 * A thread of its own on a SQLite file store (told `onFailure` when it fails a page); the event loop on
 * PostgreSQL (whose workers share the load) and in-memory SQLite.
 */
export function defaultPageSource(store: Store, onFailure?: (error: Error) => void): PageSource {
  const inline = inlinePageSource(store.db, store.dialect);
  return store.sqliteFile !== undefined ? threadPageSource(store.sqliteFile, inline, onFailure ? { onFailure } : {}) : inline;
}
