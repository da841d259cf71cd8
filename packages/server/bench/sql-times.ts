import SqliteDatabase from 'better-sqlite3';

/** Time and calls of one SQL text. */
interface Spent {
  calls: number;
  ms: number;
}

const spent = new Map<string, Spent>();
/** The first statement of the transaction in progress, which names its commit. */
let opening: string | undefined;

/**
 * Times every better-sqlite3 statement run in this process, by SQL text (BENCH_SQL=1): which
 * statements a phase's event loop spends its time in, where a CPU profile loses them behind Kysely's
 * promises. Iterated statements are timed per step.
 */
export function timeStatements(): void {
  const probe = new SqliteDatabase(':memory:');
  const prototype = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, (...args: unknown[]) => unknown>;
  probe.close();
  for (const method of ['run', 'all', 'get'] as const) {
    const original = prototype[method]!;
    prototype[method] = function timed(this: { source: string }, ...args: unknown[]) {
      const started = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        note(this.source, performance.now() - started);
      }
    };
  }
  const iterate = prototype.iterate!;
  prototype.iterate = function timedIterate(this: { source: string }, ...args: unknown[]) {
    const source = this.source;
    const inner = iterate.apply(this, args) as IterableIterator<unknown>;
    return {
      [Symbol.iterator]() {
        return this;
      },
      next() {
        const started = performance.now();
        try {
          return inner.next();
        } finally {
          note(source, performance.now() - started);
        }
      },
      return(value?: unknown) {
        return inner.return ? inner.return(value) : { done: true, value };
      },
    };
  };
}

function note(source: string, ms: number): void {
  let key = source.replace(/\s+/g, ' ').trim().slice(0, 160);
  // A commit is told apart by the transaction it ends: its cost is the pages that transaction wrote.
  if (key === 'begin') opening = '';
  else if (key === 'commit') {
    key = `commit (${(opening || '?').slice(0, 100)})`;
    opening = undefined;
  } else if (opening === '') opening = key;
  const entry = spent.get(key);
  if (entry) {
    entry.calls++;
    entry.ms += ms;
  } else spent.set(key, { calls: 1, ms });
}

/** Forgets the times so far: a phase starts. */
export function clearStatements(): void {
  spent.clear();
}

/** The statements of the phase so far, most time first, as lines; starts the next phase. */
export function statementReport(top = 30): string {
  const rows = [...spent.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const total = rows.reduce((sum, [, s]) => sum + s.ms, 0);
  spent.clear();
  const lines = rows.slice(0, top).map(([sql, s]) => `${s.ms.toFixed(1).padStart(9)} ms ${String(s.calls).padStart(7)}x  ${sql}`);
  return [`sql: ${total.toFixed(1)} ms in all`, ...lines].join('\n');
}
