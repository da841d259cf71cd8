import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Dialect } from './dialect.js';
import type { Database } from './schema.js';
import { FALLBACK_AUTOCHECKPOINT_PAGES, startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer.js';

/** The database handle shared by every feature, with the dialect it speaks. */
export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** The database file, when the store is SQLite on disk (a thread may open its own connection to it). */
  sqliteFile?: string;
  /**
   * SQLite only: the one connection under `db`, for statements run row by row inside a transaction
   * held on `db`, where going through Kysely for each row would cost more than the statement.
   */
  sqliteConnection?: SqliteDatabase.Database;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** `postgres://...`; when absent, SQLite at `sqliteFile`. */
  databaseUrl?: string | undefined;
  sqliteFile?: string;
  poolSize?: number;
  /** Told when the SQLite checkpoint thread fails (the commit's own checkpoint then takes over). */
  onCheckpointError?: (message: string) => void;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** Opens the store: PostgreSQL when a URL is given, otherwise embedded SQLite. */
export function openStore(options: StoreOptions): Store {
  const dialect: Dialect = options.databaseUrl ? 'postgres' : 'sqlite';
  const { db, checkpointer, connection } = dialect === 'postgres' ? { db: postgres(options), checkpointer: undefined, connection: undefined } : sqlite(options);
  const file = dialect === 'sqlite' && options.sqliteFile !== undefined && options.sqliteFile !== ':memory:' ? options.sqliteFile : undefined;
  return {
    db,
    dialect,
    ...(file !== undefined ? { sqliteFile: file } : {}),
    ...(connection !== undefined ? { sqliteConnection: connection } : {}),
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
      await checkpointer?.stop();
    },
  };
}

function postgres(options: StoreOptions): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5_000,
    // Epoch-millisecond times are bigint columns: read them back as numbers, as SQLite does.
    types: {
      getTypeParser: (oid: number, format?: string) =>
        oid === INT8_OID || oid === NUMERIC_OID ? Number : pg.types.getTypeParser(oid, format as 'text'),
    } as pg.CustomTypesConfig,
  });
  // An idle client that loses its connection (server restart) must not crash the process.
  pool.on('error', () => {});
  // Nor one checked out between statements (a transaction awaiting its next query): pg emits the
  // socket's error on the client, and an 'error' nobody listens to kills the process. The caller's
  // query fails instead, and the pool drops the dead client when it is released.
  pool.on('connect', (client) => client.on('error', () => {}));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

function sqlite(options: StoreOptions): { db: Kysely<Database>; checkpointer: WalCheckpointer | undefined; connection: SqliteDatabase.Database } {
  const file = options.sqliteFile ?? ':memory:';
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const database = new SqliteDatabase(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  let checkpointer: WalCheckpointer | undefined;
  if (file !== ':memory:') {
    // Checkpoints run on their own thread; a commit only does one when that thread falls far behind.
    database.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    // After a checkpoint resets the WAL, its file is cut back to this size instead of staying at its largest.
    database.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
    checkpointer = startWalCheckpointer(file, (message) => options.onCheckpointError?.(message));
  }
  return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) }), checkpointer, connection: database };
}

/** Most prepared statements kept per SQLite connection. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely prepares every query afresh, and preparing costs more than running the hot path's short
 * statements (measured: about a tenth of the receipts route). This keeps the most recent prepared
 * statements by SQL text; one still being iterated (a stream) is never handed out twice.
 */
function withStatementCache(database: SqliteDatabase.Database): SqliteDatabase.Database {
  const cache = new Map<string, SqliteDatabase.Statement>();
  const prepare = (source: string): SqliteDatabase.Statement => {
    const cached = cache.get(source);
    if (cached && !cached.busy) {
      // Re-inserted so the map's order is least recently used first.
      cache.delete(source);
      cache.set(source, cached);
      return cached;
    }
    const statement = database.prepare(source);
    if (!cached) {
      cache.set(source, statement);
      if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    }
    return statement;
  };
  // Native methods need the real object as `this`.
  return new Proxy(database, {
    get(target, key) {
      if (key === 'prepare') return prepare;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
