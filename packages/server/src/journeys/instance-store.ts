import { CompiledQuery, sql, type ExpressionBuilder, type Kysely, type Selectable } from 'kysely';
import { chunk, compare, IN_CHUNK } from '../store/queries.js';
import type { Database as SqliteConnection, Statement as SqliteStatement } from 'better-sqlite3';
import type { Store } from '../store/database.js';
import type { Dialect } from '../store/dialect.js';
import type { Database, JourneyInstanceRow, JourneyNodeExitRow, JourneyStepRow } from '../store/schema.js';
import { pathTails } from './path.js';
import { exitCountsOf, sumCounts } from './sum-counts.js';


/**
 * The engine's queries on `journey_instances` and `journey_node_exits`. Work is claimed with a
 * lease (as the delivery outbox does) and every write of a claimed instance is guarded by its owner,
 * so a runner whose lease was taken over writes nothing.
 */

export type InstanceRow = Selectable<JourneyInstanceRow>;

const INSTANCE_COLUMNS: Column<JourneyInstanceRow>[] = [
  { name: 'id', type: 'text' },
  { name: 'workspace_id', type: 'text' },
  { name: 'journey_id', type: 'text' },
  { name: 'journey_version', type: 'integer' },
  { name: 'customer_id', type: 'text' },
  { name: 'ids', type: 'text' },
  { name: 'attributes', type: 'text' },
  { name: 'entry_key', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'node_id', type: 'text' },
  { name: 'visit_id', type: 'text' },
  { name: 'node_entered_at', type: 'bigint' },
  { name: 'phase', type: 'text' },
  { name: 'exit', type: 'text' },
  { name: 'due_at', type: 'bigint' },
  { name: 'group_name', type: 'text' },
  { name: 'last_batch_id', type: 'text' },
  { name: 'last_action_id', type: 'text' },
  { name: 'steps', type: 'integer' },
  { name: 'lease_owner', type: 'text' },
  { name: 'lease_expires_at', type: 'bigint' },
  { name: 'started_at', type: 'bigint' },
  { name: 'exited_at', type: 'bigint' },
  { name: 'path', type: 'text' },
];

/**
 * Inserts new instances (one statement per 500), skipping any whose entry key or active customer is
 * already in the journey; returns the ids inserted. On SQLite without RETURNING (which buffers every
 * row and hands each to JavaScript): when fewer rows went in than were given, the new ids, which
 * nobody else has, are looked up.
 */
export async function insertInstances(db: Kysely<Database>, dialect: Dialect, rows: readonly JourneyInstanceRow[]): Promise<Set<string>> {
  const inserted = new Set<string>();
  for (const part of chunk(rows, INSERT_CHUNK)) {
    let returned: { id: string }[];
    if (dialect === 'sqlite') {
      const text = sqliteText(`instances:${part.length}`, () => `insert into journey_instances (${names(INSTANCE_COLUMNS)}) values ${placeholders(INSTANCE_COLUMNS.length, part.length)} on conflict do nothing`);
      const { numAffectedRows } = await db.executeQuery(CompiledQuery.raw(text, valuesOf(INSTANCE_COLUMNS, part)));
      if (Number(numAffectedRows) === part.length) {
        for (const r of part) inserted.add(r.id);
        continue;
      }
      returned = await db.selectFrom('journey_instances').select('id').where('id', 'in', part.map((r) => r.id)).execute();
    } else {
      const list = sql.join(INSTANCE_COLUMNS.map((c) => sql.ref(c.name)));
      returned = (await sql<{ id: string }>`insert into journey_instances (${list}) select ${list} from ${unnestOf(INSTANCE_COLUMNS, part)} on conflict do nothing returning id`.execute(db)).rows;
    }
    for (const r of returned) inserted.add(r.id);
  }
  return inserted;
}

const due = (now: number) => (eb: ExpressionBuilder<Database, 'journey_instances'>) =>
  eb.and([
    eb('journey_instances.phase', 'in', ['arrive', 'leave']),
    eb('journey_instances.due_at', '<=', now),
    eb.or([eb('journey_instances.lease_owner', 'is', null), eb('journey_instances.lease_expires_at', '<=', now)]),
    eb('journey_instances.journey_id', 'in', eb.selectFrom('journeys').select('journeys.id').where('journeys.status', '=', 'published')),
  ]);

/** Leases up to `limit` instances of running journeys that are due to act (arrivals, ended waits, judged users), oldest due first. */
export async function claimDueInstances(store: Store, claim: { owner: string; now: number; leaseUntil: number; limit: number }): Promise<InstanceRow[]> {
  const { db } = store;
  const pick = db.selectFrom('journey_instances').select('journey_instances.id').where(due(claim.now)).orderBy('journey_instances.due_at').limit(claim.limit);
  const lease = { lease_owner: claim.owner, lease_expires_at: claim.leaseUntil };
  if (store.dialect === 'sqlite') {
    // Most rounds find nothing due: a read says so in less than half the update's time (no write transaction).
    if (!(await db.selectFrom('journey_instances').select('journey_instances.id').where(due(claim.now)).limit(1).executeTakeFirst())) return [];
    // SQLite serialises writers: nobody else can claim the subquery's rows meanwhile.
    return db.updateTable('journey_instances').set(lease).where('id', 'in', pick).returningAll().execute();
  }
  // Materialised so the planner cannot rescan the locked subquery per row (see delivery/outbox.ts).
  return db
    .with((cte) => cte('picked').materialized(), () => pick.forUpdate().skipLocked())
    .updateTable('journey_instances')
    .from('picked')
    .set(lease)
    .whereRef('journey_instances.id', '=', 'picked.id')
    .where(due(claim.now))
    .returningAll('journey_instances')
    .execute();
}

/** The columns an advance rewrites on an instance. */
export type InstanceChange = Pick<
  JourneyInstanceRow,
  'id' | 'status' | 'node_id' | 'visit_id' | 'node_entered_at' | 'phase' | 'exit' | 'due_at' | 'group_name' | 'last_batch_id' | 'last_action_id' | 'steps' | 'exited_at'
>;

/** Lost the lease on a claimed instance: the whole transaction must roll back. */
export class LeaseLostError extends Error {
  constructor(id: string) {
    super(`the lease on journey instance ${id} was taken over`);
  }
}

/** Rows per PostgreSQL update, and per instances insert (24 values a row: under SQLite's 32,766 variables). */
const WRITE_CHUNK = 1000;
const INSERT_CHUNK = 500;

type Column<R> = { name: keyof R & string; type: 'text' | 'bigint' | 'integer' };

const CHANGE_NAMES: ReadonlySet<string> = new Set<keyof InstanceChange>([
  'id', 'status', 'node_id', 'visit_id', 'node_entered_at', 'phase', 'exit', 'due_at', 'group_name', 'last_batch_id', 'last_action_id', 'steps', 'exited_at',
]);
/** The instance columns an advance rewrites, typed as the instance's. */
const CHANGE_COLUMNS = INSTANCE_COLUMNS.filter((c) => CHANGE_NAMES.has(c.name)) as Column<InstanceChange>[];

/** What an update binds per instance: the new position and the lines its path grows by. */
type ChangeWithPath = InstanceChange & { path_tail: string };
const UPDATE_COLUMNS: Column<ChangeWithPath>[] = [...(CHANGE_COLUMNS as Column<ChangeWithPath>[]), { name: 'path_tail', type: 'text' }];

/*
 * Set-based inserts: one statement per chunk of rows. On SQLite, multi-row VALUES with bound
 * parameters, the SQL text built once per row count (so the connection's statement cache reuses it)
 * and handed to Kysely compiled: json_each would re-read each row's JSON for every column, and
 * Kysely's builder would compile thousands of parameter nodes per statement. On PostgreSQL, one
 * array per column through `unnest` (updates too).
 */
const sqliteTexts = new Map<string, string>();

function sqliteText(key: string, build: () => string): string {
  let text = sqliteTexts.get(key);
  if (text === undefined) sqliteTexts.set(key, (text = build()));
  return text;
}

const names = <R>(columns: readonly Column<R>[]) => columns.map((c) => `"${c.name}"`).join(', ');

function placeholders(width: number, rows: number): string {
  const row = `(${new Array<string>(width).fill('?').join(', ')})`;
  return new Array<string>(rows).fill(row).join(', ');
}

function valuesOf<R>(columns: readonly Column<R>[], rows: readonly R[]): unknown[] {
  const values: unknown[] = [];
  for (const r of rows) for (const c of columns) values.push(r[c.name]);
  return values;
}

function unnestOf<R>(columns: readonly Column<R>[], rows: readonly R[]) {
  const arrays = columns.map((c) => sql`${rows.map((r) => r[c.name])}::${sql.raw(c.type)}[]`);
  return sql`unnest(${sql.join(arrays)}) as v(${sql.join(columns.map((c) => sql.ref(c.name)))})`;
}

/** Who may write an instance: the runner holding its lease, or anyone while it still waits at a judgment. */
export type InstanceGuard = { leaseOwner: string } | { judging: true };

/** What an instance update needs of the store: its dialect and, on SQLite, the connection under the transaction. */
export type UpdateTarget = Pick<Store, 'dialect' | 'sqliteConnection'>;

/**
 * Rewrites instances to their new positions (releasing any lease) where `guard` still holds, each
 * path growing by its finished `steps`. Returns the ids written; an instance whose guard failed
 * (lease taken over, or judged by another runner) is left as it is. Call it inside a transaction on
 * `db`: on SQLite it runs one prepared statement per instance on that transaction's connection
 * (measured a fifth cheaper per row than one statement joining a thousand rows of VALUES, and it
 * tells which rows it wrote); on PostgreSQL one statement per thousand instances.
 */
export async function updateInstances(
  db: Kysely<Database>,
  target: UpdateTarget,
  changes: readonly InstanceChange[],
  guard: InstanceGuard,
  steps: readonly JourneyStepRow[],
): Promise<Set<string>> {
  const tails = pathTails(steps);
  if (target.dialect === 'sqlite') {
    const connection = target.sqliteConnection;
    if (connection === undefined) throw new Error('updateInstances on SQLite needs the store\'s connection');
    return updateSqlite(connection, changes, guard, tails);
  }
  const written = new Set<string>();
  const rows: ChangeWithPath[] = changes.map((c) => ({ ...c, path_tail: tails.get(c.id) ?? '' }));
  // One lock order for every writer, so two PostgreSQL runners never deadlock on each other's rows.
  const ordered = [...rows].sort((a, b) => compare(a.id, b.id));
  const where = 'leaseOwner' in guard ? sql`journey_instances.lease_owner = ${guard.leaseOwner}` : sql`journey_instances.phase = 'judge'`;
  for (const part of chunk(ordered, WRITE_CHUNK)) {
    const { rows } = await sql<{ id: string }>`
      update journey_instances set ${sql.raw(POSTGRES_SET)}, lease_owner = null, lease_expires_at = null
      from ${unnestOf(UPDATE_COLUMNS, part)}
      where journey_instances.id = v.id and ${where}
      returning journey_instances.id`.execute(db);
    for (const r of rows) written.add(r.id);
  }
  return written;
}

/** The columns an update sets; on SQLite, in the order its statement binds them (then the path's tail, the id and the guard). */
const SET_COLUMNS = CHANGE_COLUMNS.filter((c) => c.name !== 'id').map((c) => c.name);

const POSTGRES_SET = [...SET_COLUMNS.map((name) => `"${name}" = v."${name}"`), '"path" = journey_instances."path" || v."path_tail"'].join(', ');

/** The per-instance update statements, prepared once per connection and guard. */
const sqliteUpdates = new WeakMap<SqliteConnection, { lease: SqliteStatement; judging: SqliteStatement }>();

function sqliteUpdate(connection: SqliteConnection, guard: InstanceGuard): SqliteStatement {
  let prepared = sqliteUpdates.get(connection);
  if (prepared === undefined) {
    const set = `${SET_COLUMNS.map((name) => `"${name}" = ?`).join(', ')}, "path" = "path" || ?, lease_owner = null, lease_expires_at = null`;
    prepared = {
      lease: connection.prepare(`update journey_instances set ${set} where id = ? and lease_owner = ?`),
      judging: connection.prepare(`update journey_instances set ${set} where id = ? and phase = 'judge'`),
    };
    sqliteUpdates.set(connection, prepared);
  }
  return 'leaseOwner' in guard ? prepared.lease : prepared.judging;
}

function updateSqlite(connection: SqliteConnection, changes: readonly InstanceChange[], guard: InstanceGuard, tails: ReadonlyMap<string, string>): Set<string> {
  const statement = sqliteUpdate(connection, guard);
  const written = new Set<string>();
  const values: unknown[] = new Array(SET_COLUMNS.length + 2 + ('leaseOwner' in guard ? 1 : 0));
  if ('leaseOwner' in guard) values[values.length - 1] = guard.leaseOwner;
  for (const change of changes) {
    for (let i = 0; i < SET_COLUMNS.length; i++) values[i] = change[SET_COLUMNS[i]!];
    values[SET_COLUMNS.length] = tails.get(change.id) ?? '';
    values[SET_COLUMNS.length + 1] = change.id;
    if (statement.run(values).changes === 1) written.add(change.id);
  }
  return written;
}

/** Adds finished node visits to their nodes' exit counts: one upsert per node and exit, in one lock order. */
export async function countExits(db: Kysely<Database>, steps: readonly JourneyStepRow[]): Promise<void> {
  await upsertExitCounts(db, exitCountsOf(steps));
}

/** Adds users to their nodes' exit counts: one upsert per node and exit, in one lock order. */
export async function addExitCounts(db: Kysely<Database>, counts: readonly JourneyNodeExitRow[]): Promise<void> {
  await upsertExitCounts(db, sumCounts(counts, (c) => `${c.journey_id}\u0000${c.node_id}\u0000${c.exit}`));
}

/** Upserts exit counts, one row per node and exit, already in key order. */
async function upsertExitCounts(db: Kysely<Database>, rows: readonly JourneyNodeExitRow[]): Promise<void> {
  for (const part of chunk(rows, IN_CHUNK)) {
    await db
      .insertInto('journey_node_exits')
      .values(part)
      .onConflict((oc) => oc.columns(['journey_id', 'node_id', 'exit']).doUpdateSet((eb) => ({ users: eb('journey_node_exits.users', '+', eb.ref('excluded.users')) })))
      .execute();
  }
}

/** Writes advanced instances (releasing their lease) and their finished steps; throws LeaseLostError if any lease is no longer `owner`'s. */
export async function writeAdvance(db: Kysely<Database>, target: UpdateTarget, owner: string, changes: readonly InstanceChange[], steps: readonly JourneyStepRow[]): Promise<void> {
  const written = await updateInstances(db, target, changes, { leaseOwner: owner }, steps);
  if (written.size !== changes.length) throw new LeaseLostError(changes.find((c) => !written.has(c.id))!.id);
  await countExits(db, steps);
}

/** Gives back leases of instances this runner could not advance (due again at once). */
export async function releaseInstances(db: Kysely<Database>, owner: string, ids: readonly string[]): Promise<void> {
  for (const part of chunk(ids, IN_CHUNK)) {
    await db.updateTable('journey_instances').set({ lease_owner: null, lease_expires_at: null }).where('id', 'in', part).where('lease_owner', '=', owner).execute();
  }
}
