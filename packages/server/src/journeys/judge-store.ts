import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { Database, JourneyInstanceRow } from '../store/schema.js';
import { chunk, dialectText, IN_CHUNK, textsByCount } from '../store/queries.js';
import { forEachEntry } from '../receipts/receipt-entries.js';
import { latestReceipts } from '../receipts/store.js';
import type { Dialect } from '../store/dialect.js';

/**
 * The judgment's queries. Each finds users waiting at a judgment node (`phase = 'judge'`) of a
 * running journey from one kind of change: receipts that arrived, batches that finished, deadlines
 * that passed; or, for a sweep, all of one node's users whose result is known. The literal
 * `phase = 'judge'` lets SQLite use the partial index of migration 0012.
 */

/** A user waiting at a judgment, with what the engine needs to judge and move them on. */
export type JudgeRow = Pick<
  JourneyInstanceRow,
  'id' | 'journey_id' | 'journey_version' | 'status' | 'node_id' | 'visit_id' | 'node_entered_at' | 'phase' | 'exit' | 'due_at' | 'group_name' | 'last_batch_id' | 'last_action_id' | 'steps' | 'exited_at'
> & {
  /** The status of the batch that carried the user's message (null if none; undefined if not read with the user). */
  batch_status?: string | null;
  /** For a user found by a receipt: the newest such receipt found, so it need not be read again. */
  receipt?: FoundReceipt;
};

/** A receipt that found a waiting user. `status` is null when several with different statuses arrived at the same time (read again to judge). */
export interface FoundReceipt {
  status: string | null;
  receivedAt: number;
}

/** The newer of two receipts that found the same user. */
export function newerReceipt(a: FoundReceipt, b: FoundReceipt): FoundReceipt {
  if (a.receivedAt !== b.receivedAt) return a.receivedAt > b.receivedAt ? a : b;
  // Arrived together (one report): which came last is in the receipts' positions, not read here.
  return a.status === b.status ? a : { status: null, receivedAt: a.receivedAt };
}

/** Times from `from` to `to`, `to` included or not. */
export type TimeWindow = { from: number; to: number; toInclusive: boolean };

/** A running judgment node whose users a succeeded batch decides at once (it awaits no receipt). */
export interface NodeKey {
  journeyId: string;
  version: number;
  nodeId: string;
}

/** Users waiting at a judgment, spelled as above. */
const JUDGING_TEXT = `i.phase = 'judge'`;
const JUDGING = sql.raw<boolean>(JUDGING_TEXT);

/** Users of running journeys only: a paused journey's users are judged by the sweep on resume. */
const RUNNING = `i.journey_id in (select journeys.id from journeys where journeys.status = 'published')`;
const running = sql.raw<boolean>(RUNNING);

/** The instance columns. */
const INSTANCE = [
  'i.id', 'i.journey_id', 'i.journey_version', 'i.status', 'i.node_id', 'i.visit_id', 'i.node_entered_at', 'i.phase', 'i.exit',
  'i.due_at', 'i.group_name', 'i.last_batch_id', 'i.last_action_id', 'i.steps', 'i.exited_at',
] as const;
/** The instance columns and its batch's status. */
const COLUMNS = [...INSTANCE, 'b.status as batch_status'] as const;

/*
 * The per-round looks below run several times a second while a journey sends: written once as texts
 * (store/queries.ts, dialectText), where building each with Kysely cost more than running it.
 */
const COLUMN_LIST = COLUMNS.join(', ');
/** A statement in two spellings, for a window that includes its end ([from, to]) or not ([from, to)), picked by the window. */
function byWindowEnd<T>(build: (to: '<=' | '<') => T): (window: TimeWindow) => T {
  const inclusive = build('<=');
  const exclusive = build('<');
  return (window) => (window.toInclusive ? inclusive : exclusive);
}
const RECEIPTS_IN = byWindowEnd((to) => dialectText(`select batch_id, received_at, entries from batch_receipts where for_journey = 1 and received_at >= ? and received_at ${to} ?`));
// journey_id spelled as the partial index's condition, so SQLite uses it.
const BATCHES_FINISHED_IN = byWindowEnd((to) => dialectText(`select id, status from delivery_batches where journey_id is not null and finished_at >= ? and finished_at ${to} ?`));
// The same on both dialects (no parameters).
const LAST_BATCH_FINISHED = CompiledQuery.raw('select max(finished_at) as at from delivery_batches where journey_id is not null');
const PAST_DEADLINE = dialectText(`select ${COLUMN_LIST} from journey_instances as i left join delivery_batches as b on b.id = i.last_batch_id
  where ${RUNNING} and ${JUDGING_TEXT} and i.due_at <= ? order by i.due_at limit ?`);
/** By the number of nodes a succeeded batch decides. */
const OF_FINISHED_BATCHES = byWindowEnd((to) => textsByCount((nodes) => {
  const bySuccess = new Array<string>(nodes).fill(` or (fb.status = 'succeeded' and i.journey_id = ? and i.journey_version = ? and i.node_id = ?)`).join('');
  // Cross joins keep this order on SQLite: the batches, their messages, then each message's waiting user.
  // A cohort's batch has no waiting instances: not one probe per message for them. The decision is wrapped in
  // a case so SQLite's planner (without statistics) reads by finished_at rather than by the status index.
  return `select ${COLUMN_LIST} from delivery_batches as fb cross join delivery_messages as m cross join journey_instances as i
    left join delivery_batches as b on b.id = i.last_batch_id
    where fb.journey_id is not null and fb.finished_at >= ? and fb.finished_at ${to} ?
    and not exists (select 1 as one from journey_cohorts as c where c.batch_id = fb.id)
    and m.batch_id = fb.id and i.last_action_id = m.action_id and i.last_batch_id = fb.id and ${JUDGING_TEXT} and ${RUNNING}
    and (case when (fb.status in ('failed', 'cancelled')${bySuccess}) then 1 else 0 end) = 1`;
}));

// PostgreSQL returns bigint columns as strings. Fixed in place: the rows are the query's own, and a copy per user is garbage.
function normalise(rows: Record<string, unknown>[]): JudgeRow[] {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  for (const r of rows) {
    r.journey_version = Number(r.journey_version);
    r.node_entered_at = Number(r.node_entered_at);
    r.due_at = num(r.due_at);
    r.steps = Number(r.steps);
    r.exited_at = num(r.exited_at);
    if ('batch_status' in r) r.batch_status = (r.batch_status as string | null | undefined) ?? null;
  }
  return rows as unknown as JudgeRow[];
}

/** A journey receipt as the judgment's look reads it, from the index of journey receipts by arrival alone. */
export interface JourneyReceipt {
  batch_id: string;
  action_id: string;
  status: string;
  received_at: number;
}

/** Receipts of journey messages received in [from, to] (`toInclusive`) or [from, to) whose status is one of `codes` (every code some running judgment waits for). */
export async function journeyReceiptsIn(db: Kysely<Database>, dialect: Dialect, window: TimeWindow, codes: readonly string[]): Promise<JourneyReceipt[]> {
  if (codes.length === 0) return [];
  const text = RECEIPTS_IN(window)[dialect];
  const { rows } = await db.executeQuery<{ batch_id: string; received_at: number; entries: string }>(CompiledQuery.raw(text, [window.from, window.to]));
  const found: JourneyReceipt[] = [];
  for (const row of rows) {
    const receivedAt = Number(row.received_at);
    forEachEntry(row.entries, (actionId, _msgId, status) => {
      if (codes.includes(status)) found.push({ batch_id: row.batch_id, action_id: actionId, status, received_at: receivedAt });
    });
  }
  return found;
}

/**
 * Users of running journeys waiting at a judgment whose last message is one of `actionIds`, without
 * their batch's status (a chosen receipt decides without it). Through the partial index of waiting
 * users by their last message: users already judged are not in it.
 */
export async function usersOfActions(db: Kysely<Database>, actionIds: readonly string[]): Promise<JudgeRow[]> {
  const rows: Record<string, unknown>[] = [];
  for (const part of chunk(actionIds, IN_CHUNK)) {
    rows.push(...(await db.selectFrom('journey_instances as i').select(INSTANCE).where('i.last_action_id', 'in', part).where(JUDGING).where(running).execute()));
  }
  return normalise(rows);
}

/** Journey batches finished in [from, to] (`toInclusive`) or [from, to), with their status. */
export async function journeyBatchesFinishedIn(db: Kysely<Database>, dialect: Dialect, window: TimeWindow): Promise<{ id: string; status: string }[]> {
  const text = BATCHES_FINISHED_IN(window)[dialect];
  return (await db.executeQuery<{ id: string; status: string }>(CompiledQuery.raw(text, [window.from, window.to]))).rows;
}

/** The status of each of `batchIds`' batches, by id. */
export async function batchStatuses(db: Kysely<Database>, batchIds: readonly string[]): Promise<Map<string, string>> {
  const statuses = new Map<string, string>();
  for (const part of chunk(batchIds, IN_CHUNK)) {
    for (const b of await db.selectFrom('delivery_batches').select(['id', 'status']).where('id', 'in', part).execute()) statuses.set(b.id, b.status);
  }
  return statuses;
}

/** The newest `finished_at` of any journey batch, or null. */
export async function lastJourneyBatchFinishedAt(db: Kysely<Database>): Promise<number | null> {
  const [row] = (await db.executeQuery<{ at: number | string | null }>(LAST_BATCH_FINISHED)).rows;
  return row?.at == null ? null : Number(row.at);
}

/**
 * Users whose batch finished in the window and decides them: failed or cancelled, or succeeded
 * when their node (one of `decidedBySuccess`) awaits no receipt. Through the batch's messages, then
 * the partial index of waiting users by their last message.
 */
export async function usersOfFinishedBatches(
  db: Kysely<Database>,
  dialect: Dialect,
  window: TimeWindow,
  decidedBySuccess: readonly NodeKey[],
): Promise<JudgeRow[]> {
  const text = OF_FINISHED_BATCHES(window)(dialect, decidedBySuccess.length);
  const parameters = [window.from, window.to, ...decidedBySuccess.flatMap((n) => [n.journeyId, n.version, n.nodeId])];
  return normalise((await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, parameters))).rows);
}

/** Up to `limit` users whose judgment deadline has passed, earliest first. */
export async function usersPastDeadline(db: Kysely<Database>, dialect: Dialect, now: number, limit: number): Promise<JudgeRow[]> {
  return normalise((await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(PAST_DEADLINE[dialect], [now, limit]))).rows);
}

/** Users at one judgment node of a running version, as a sweep reads them (the (journey, node, status, version, phase) index used whole). */
function usersAtNode(db: Kysely<Database>, node: NodeKey) {
  return db
    .selectFrom('journey_instances as i')
    .leftJoin('delivery_batches as b', 'b.id', 'i.last_batch_id')
    .select(COLUMNS)
    .where('i.journey_id', '=', node.journeyId)
    .where('i.node_id', '=', node.nodeId)
    // Always true of a user waiting at a judgment; spelled out so the index is used whole.
    .where('i.status', '=', 'active')
    .where('i.journey_version', '=', node.version)
    .where('i.phase', '=', 'judge');
}

/** Users read per query while a sweep looks for those a stored receipt decides. */
const RECEIPT_SWEEP_PAGE = 1000;

/**
 * Up to `limit` users of one judgment node whose result can be decided now: deadline passed, batch
 * failed or cancelled (or missing), batch succeeded when no receipt is awaited, or a receipt with a
 * chosen code stored. Reads every user waiting there: for sweeps (a runner's start, a journey's
 * resume), not for every round.
 */
export async function decidableUsersOfNode(
  db: Kysely<Database>,
  dialect: Dialect,
  node: NodeKey & { codes: readonly string[] },
  now: number,
  limit: number,
): Promise<JudgeRow[]> {
  const decided = normalise(
    await usersAtNode(db, node)
      .where((eb) => {
        const decidable = [eb('i.due_at', '<=', now), eb('b.status', 'in', ['failed', 'cancelled']), eb('i.last_batch_id', 'is', null)];
        if (node.codes.length === 0) decidable.push(eb('b.status', '=', 'succeeded'));
        return eb.or(decidable);
      })
      .orderBy('i.due_at')
      .limit(limit)
      .execute(),
  );
  if (node.codes.length === 0) return decided;
  // The others a chosen receipt decides. Receipts are stored by batch and report, so they are checked here, not
  // in SQL; the batches' receipt counts narrow the walk to users of batches where a chosen code was reported.
  let after = '';
  while (decided.length < limit) {
    const page = normalise(
      await usersAtNode(db, node)
        .where('i.id', '>', after)
        .where((eb) => eb.and([eb.or([eb('i.due_at', 'is', null), eb('i.due_at', '>', now)]), eb('b.status', 'not in', ['failed', 'cancelled'])]))
        .where((eb) => eb.exists(eb.selectFrom('receipt_counts as c').select(sql.lit(1).as('one')).whereRef('c.batch_id', '=', 'i.last_batch_id').where('c.status', 'in', [...node.codes])))
        .orderBy('i.id')
        .limit(RECEIPT_SWEEP_PAGE)
        .execute(),
    );
    const chosen = await latestReceipts(db, dialect, page.map((u) => ({ batchId: u.last_batch_id!, actionId: u.last_action_id! })), node.codes);
    for (const user of page) if (decided.length < limit && chosen.has(user.last_action_id!)) decided.push(user);
    if (page.length < RECEIPT_SWEEP_PAGE) break;
    after = page[page.length - 1]!.id;
  }
  return decided;
}
