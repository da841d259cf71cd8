import { CompiledQuery, sql, type Kysely, type Selectable } from 'kysely';
import { chunk, dialectText, IN_CHUNK, placeholders, textsByCount, tuples } from '../store/queries.js';
import type { Dialect } from '../store/dialect.js';
import type { Database, JourneyCohortRow, JourneyCohortUsersRow } from '../store/schema.js';
import { pathLine } from './path.js';
import { sumCounts } from './sum-counts.js';

/**
 * The queries on `journey_cohorts` (users sent together who wait at a judgment as one row),
 * `journey_entries` (their customers) and `journey_cohort_users` (those no longer waiting, counted).
 * Every write of a cohort is guarded by the revision it was read at, so of two runners judging the
 * same cohort at once only one writes; the other's members are judged again next round.
 */

/** A cohort's row, as the judgment reads it (member_actions is all it needs of the members). */
export type CohortRow = Selectable<JourneyCohortRow>;
/** A cohort's row with its members (read from journey_cohort_members beside it). */
export type CohortWithMembers = CohortRow & { members: string };

/** Cohorts with their members: the readers' query, to which each adds its conditions. */
function cohortsWithMembers(db: Kysely<Database>) {
  return db
    .selectFrom('journey_cohorts')
    .innerJoin('journey_cohort_members', 'journey_cohort_members.cohort_id', 'journey_cohorts.id')
    .selectAll('journey_cohorts')
    .select('journey_cohort_members.members');
}

/** A cohort member as stored: `[instanceId, customerId, actionId, visitId, steps, groupName, path]`. */
export type CohortMember = [id: string, customerId: string, actionId: string, visitId: string, steps: number, groupName: string, path: string];
/**
 * Beside each member: null while waiting; once judged `[exit, at, nodeId, visitId]`, the node their
 * branch ended at and that visit (the judgment and its visit for a branch without an edge); once
 * stopped `[null, at, judgmentNodeId, visitId]`.
 */
export type MemberResult = [exit: string | null, at: number, nodeId: string, visitId: string] | null;

/** Cohorts per insert: 14 values each, and their members, 10–20 KB of JSON each. */
const INSERT_CHUNK = 50;

const COHORT_COLUMNS = ['id', 'workspace_id', 'journey_id', 'journey_version', 'node_id', 'batch_id', 'started_at', 'node_entered_at', 'due_at', 'results', 'member_actions', 'pending', 'settled_at', 'revision'] as const satisfies readonly (keyof JourneyCohortRow)[];
// Texts, not built per call: an audience entry inserts a page's cohorts with every page (the builder compiled a node per value).
const COHORT_INSERT = textsByCount((rows) => `insert into journey_cohorts (${COHORT_COLUMNS.join(', ')}) values ${tuples(rows, COHORT_COLUMNS.length)}`);
const MEMBERS_INSERT = textsByCount((rows) => `insert into journey_cohort_members (cohort_id, members) values ${tuples(rows, 2)}`);

// PostgreSQL returns bigint columns as strings.
function normalise<Row extends CohortRow>(rows: Row[]): Row[] {
  const num = (v: number | null) => (v === null ? null : Number(v));
  for (const r of rows) {
    r.journey_version = Number(r.journey_version);
    r.started_at = Number(r.started_at);
    r.node_entered_at = Number(r.node_entered_at);
    r.due_at = num(r.due_at);
    r.pending = Number(r.pending);
    r.settled_at = num(r.settled_at);
    r.revision = Number(r.revision);
  }
  return rows;
}

/** A cohort to insert: its row, its members' JSON and their customers. */
export interface NewCohort {
  row: JourneyCohortRow;
  members: string;
  customerIds: readonly string[];
}

/**
 * Inserts cohorts, their members and their customers' entries; returns how many entries went in
 * (fewer: a customer had entered meanwhile). A cohort's entries go in one statement with its
 * customers as one parameter (the builder would compile a node per value).
 */
export async function insertCohorts(db: Kysely<Database>, dialect: Dialect, cohorts: readonly NewCohort[]): Promise<number> {
  for (const part of chunk(cohorts, INSERT_CHUNK)) {
    await db.executeQuery(CompiledQuery.raw(COHORT_INSERT(dialect, part.length), part.flatMap((c) => COHORT_COLUMNS.map((column) => c.row[column]))));
    await db.executeQuery(CompiledQuery.raw(MEMBERS_INSERT(dialect, part.length), part.flatMap((c) => [c.row.id, c.members])));
  }
  let inserted = 0;
  for (const { row, customerIds } of cohorts) {
    const select =
      dialect === 'postgres'
        ? sql`select ${row.journey_id}, unnest(${customerIds}::text[]), ${row.id}`
        : // "where true": SQLite reads an upsert's ON after a bare FROM as a join's.
          sql`select ${row.journey_id}, value, ${row.id} from json_each(${JSON.stringify(customerIds)}) where true`;
    const result = await sql`insert into journey_entries (journey_id, customer_id, cohort_id) ${select} on conflict do nothing`.execute(db);
    inserted += Number(result.numAffectedRows ?? 0);
  }
  return inserted;
}

/** The cohort of each of `customerIds` who entered `journeyId` as a cohort member. */
export async function cohortEntries(db: Kysely<Database>, journeyId: string, customerIds: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const part of chunk(customerIds, IN_CHUNK)) {
    const rows = await db.selectFrom('journey_entries').select(['customer_id', 'cohort_id']).where('journey_id', '=', journeyId).where('customer_id', 'in', part).execute();
    for (const r of rows) found.set(r.customer_id, r.cohort_id);
  }
  return found;
}

/*
 * The judgment's reads, several a second while a journey sends: texts (store/queries.ts, dialectText), and
 * without the members, whose action ids the row keeps.
 */
const RUNNING = `journey_id in (select id from journeys where status = 'published')`;
/** The same, spelled so that SQLite's planner does not pick the journey's cohorts (all of them) over a better index. */
const RUNNING_UNINDEXED = `journey_id || '' in (select id from journeys where status = 'published')`;
const BATCHES_AMONG = textsByCount((count) => `select batch_id from journey_cohorts where batch_id in (${placeholders(count)})`);
const OF_BATCHES = textsByCount((count) => `select * from journey_cohorts where batch_id in (${placeholders(count)}) and pending > 0 and ${RUNNING}`);
// pending > 0 spelled as the partial index's condition, so SQLite uses it.
const PAST_DEADLINE = dialectText(`select * from journey_cohorts where pending > 0 and due_at <= ? and ${RUNNING_UNINDEXED} order by due_at limit ?`);
const OF_NODE = dialectText('select * from journey_cohorts where journey_id = ? and node_id = ? and journey_version = ? and pending > 0 and id > ? order by id limit ?');
const MEMBERS = dialectText('select members from journey_cohort_members where cohort_id = ?');

/** Those of `batchIds` that carried a cohort, waiting or not (their receipts concern no instance). */
export async function cohortBatchesAmong(db: Kysely<Database>, dialect: Dialect, batchIds: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const part of chunk(batchIds, IN_CHUNK)) {
    for (const r of (await db.executeQuery<{ batch_id: string }>(CompiledQuery.raw(BATCHES_AMONG(dialect, part.length), part))).rows) found.add(r.batch_id);
  }
  return found;
}

/** Cohorts of running journeys with members waiting, carried by any of `batchIds`. */
export async function cohortsOfBatches(db: Kysely<Database>, dialect: Dialect, batchIds: readonly string[]): Promise<CohortRow[]> {
  const rows: CohortRow[] = [];
  for (const part of chunk(batchIds, IN_CHUNK)) rows.push(...(await db.executeQuery<CohortRow>(CompiledQuery.raw(OF_BATCHES(dialect, part.length), part))).rows);
  return normalise(rows);
}

/** Up to `limit` cohorts of running journeys with members waiting past their deadline. */
export async function cohortsPastDeadline(db: Kysely<Database>, dialect: Dialect, now: number, limit: number): Promise<CohortRow[]> {
  return normalise((await db.executeQuery<CohortRow>(CompiledQuery.raw(PAST_DEADLINE[dialect], [now, limit]))).rows);
}

/** Up to `limit` cohorts with members waiting at one node of one version, after cohort `after` (id order). */
export async function cohortsOfNode(db: Kysely<Database>, dialect: Dialect, node: { journeyId: string; version: number; nodeId: string }, limit: number, after = ''): Promise<CohortRow[]> {
  return normalise((await db.executeQuery<CohortRow>(CompiledQuery.raw(OF_NODE[dialect], [node.journeyId, node.nodeId, node.version, after, limit]))).rows);
}

/** The visit ids of a cohort's members at its judgment, in member order. */
export async function memberVisits(db: Kysely<Database>, dialect: Dialect, cohortId: string): Promise<string[]> {
  const [row] = (await db.executeQuery<{ members: string }>(CompiledQuery.raw(MEMBERS[dialect], [cohortId]))).rows;
  return row === undefined ? [] : (JSON.parse(row.members) as CohortMember[]).map((m) => m[3]);
}

/** A cohort's new results, written only if it is still at `revision`. */
export interface CohortChange {
  id: string;
  revision: number;
  results: string;
  pending: number;
  settledAt: number;
}

// Texts, not built per call: a judgment writes each cohort it judged (those with nobody left waiting lose their deadline).
const COHORT_JUDGED = dialectText('update journey_cohorts set results = ?, pending = ?, settled_at = ?, revision = ? where id = ? and revision = ?');
const COHORT_SETTLED = dialectText('update journey_cohorts set results = ?, pending = ?, settled_at = ?, revision = ?, due_at = null where id = ? and revision = ?');

/** Writes cohorts' results where their revision still holds; returns the ids written. */
export async function writeCohorts(db: Kysely<Database>, dialect: Dialect, changes: readonly CohortChange[]): Promise<Set<string>> {
  const written = new Set<string>();
  for (const c of changes) {
    const text = (c.pending === 0 ? COHORT_SETTLED : COHORT_JUDGED)[dialect];
    const result = await db.executeQuery(CompiledQuery.raw(text, [c.results, c.pending, c.settledAt, c.revision + 1, c.id, c.revision]));
    if (Number(result.numAffectedRows ?? 0) === 1) written.add(c.id);
  }
  return written;
}

/** Adds members no longer waiting to their counts: one upsert per journey, node and status, in one lock order. */
export async function addCohortUsers(db: Kysely<Database>, counts: readonly JourneyCohortUsersRow[]): Promise<void> {
  const rows = sumCounts(counts, (c) => `${c.journey_id}\u0000${c.node_id}\u0000${c.status}`);
  if (rows.length === 0) return;
  await db
    .insertInto('journey_cohort_users')
    .values(rows)
    .onConflict((oc) => oc.columns(['journey_id', 'node_id', 'status']).doUpdateSet((eb) => ({ users: eb('journey_cohort_users.users', '+', eb.ref('excluded.users')) })))
    .execute();
}

/** A journey's cohort members by node and status: those waiting, and those judged or stopped. */
export async function countCohortMembers(db: Kysely<Database>, journeyId: string): Promise<{ node_id: string; status: string; n: number }[]> {
  const [waiting, settled] = await Promise.all([
    db.selectFrom('journey_cohorts').select(['node_id', sql<number>`sum(pending)`.as('n')]).where('journey_id', '=', journeyId).where('pending', '>', 0).groupBy('node_id').execute(),
    db.selectFrom('journey_cohort_users').select(['node_id', 'status', 'users as n']).where('journey_id', '=', journeyId).execute(),
  ]);
  return [...waiting.map((w) => ({ node_id: w.node_id, status: 'active', n: Number(w.n) })), ...settled.map((s) => ({ ...s, n: Number(s.n) }))];
}

/** The cohorts of a journey (or the one `cohortId`), newest first, at most `limit`: for the instance list. */
export async function journeyCohorts(db: Kysely<Database>, journeyId: string, filter: { cohortId?: string; limit: number }): Promise<CohortWithMembers[]> {
  let query = cohortsWithMembers(db).where('journey_id', '=', journeyId);
  if (filter.cohortId !== undefined) query = query.where('id', '=', filter.cohortId);
  return normalise(await query.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute());
}

/** How many users entered a journey as cohort members. */
export async function countCohortEntries(db: Kysely<Database>, journeyId: string): Promise<number> {
  const row = await db.selectFrom('journey_entries').select((eb) => eb.fn.countAll<number>().as('n')).where('journey_id', '=', journeyId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A cohort member as an instance: what the instance list and the tests read of instances. */
export interface MemberInstance {
  id: string;
  customer_id: string;
  journey_version: number;
  status: string;
  started_at: number;
  exited_at: number | null;
  group_name: string;
  node_id: string;
  visit_id: string;
  node_entered_at: number;
  phase: string;
  due_at: number | null;
  path: string;
  last_batch_id: string;
  last_action_id: string;
  steps: number;
}

/** The members of a cohort as instances: waiting at the judgment, or where their branch ended, with the judgment's visit on their path. */
export function memberInstances(cohort: CohortWithMembers): MemberInstance[] {
  const members = JSON.parse(cohort.members) as CohortMember[];
  const results = JSON.parse(cohort.results) as MemberResult[];
  return members.map(([id, customerId, actionId, visitId, steps, groupName, path], i) => {
    const base = { id, customer_id: customerId, journey_version: cohort.journey_version, started_at: cohort.started_at, group_name: groupName, last_batch_id: cohort.batch_id, last_action_id: actionId };
    const result = results[i] ?? null;
    if (result === null) {
      return { ...base, status: 'active', exited_at: null, node_id: cohort.node_id, visit_id: visitId, node_entered_at: cohort.node_entered_at, phase: 'judge', due_at: cohort.due_at, path, steps };
    }
    const [exit, at, nodeId, endVisitId] = result;
    const judged = exit !== null;
    const moved = judged && nodeId !== cohort.node_id;
    return {
      ...base,
      status: judged ? 'exited' : 'stopped',
      exited_at: at,
      node_id: nodeId,
      visit_id: endVisitId,
      node_entered_at: moved ? at : cohort.node_entered_at,
      phase: 'done',
      due_at: null,
      path: judged ? path + pathLine({ instance_id: id, seq: steps + 1, journey_id: cohort.journey_id, node_id: cohort.node_id, visit_id: visitId, entered_at: cohort.node_entered_at, left_at: at, exit }) : path,
      steps: judged ? steps + 1 : steps,
    };
  });
}

/**
 * Stops every cohort member still waiting in a journey (stop), counting them as stopped at their
 * judgment. Each cohort is written at the revision it was read at; one a runner judged meanwhile (on
 * PostgreSQL) is read again, so members it judged stay judged.
 */
export async function stopCohorts(db: Kysely<Database>, journeyId: string, now: number): Promise<void> {
  const stopped: JourneyCohortUsersRow[] = [];
  for (;;) {
    const cohorts = normalise(await cohortsWithMembers(db).where('journey_id', '=', journeyId).where('pending', '>', 0).execute());
    if (cohorts.length === 0) break;
    for (const cohort of cohorts) {
      const members = JSON.parse(cohort.members) as CohortMember[];
      const results = (JSON.parse(cohort.results) as MemberResult[]).map((r, i): MemberResult => r ?? [null, now, cohort.node_id, members[i]![3]]);
      const written = await db
        .updateTable('journey_cohorts')
        .set({ results: JSON.stringify(results), pending: 0, due_at: null, settled_at: now, revision: cohort.revision + 1 })
        .where('id', '=', cohort.id)
        .where('revision', '=', cohort.revision)
        .executeTakeFirst();
      if (Number(written.numUpdatedRows) === 1) stopped.push({ journey_id: journeyId, node_id: cohort.node_id, status: 'stopped', users: cohort.pending });
    }
  }
  await addCohortUsers(db, stopped);
}

/** The status (active, exited, stopped) of each of `customerIds` who entered `journeyId` as a cohort member. */
export async function cohortMemberStatuses(db: Kysely<Database>, journeyId: string, customerIds: readonly string[]): Promise<Map<string, string>> {
  const entries = await cohortEntries(db, journeyId, customerIds);
  const statuses = new Map<string, string>();
  for (const part of chunk([...new Set(entries.values())], IN_CHUNK)) {
    const cohorts = normalise(await cohortsWithMembers(db).where('id', 'in', part).execute());
    for (const member of cohorts.flatMap(memberInstances)) if (entries.has(member.customer_id)) statuses.set(member.customer_id, member.status);
  }
  return statuses;
}
