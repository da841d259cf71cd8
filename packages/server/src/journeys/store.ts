import { stopCohorts } from './cohort-store.js';
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Database, JourneyRow } from '../store/schema.js';
import type { Journey, JourneyDefinition, JourneyStatus } from './model.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/** A journey row and the definition of the version asked for. */
export interface JourneyRecord {
  row: Selectable<JourneyRow>;
  definition: JourneyDefinition;
  /** The version `definition` belongs to. */
  definitionVersion: number;
}

/** The API's view of a journey. */
export function toJourney(record: JourneyRecord): Journey {
  const { row, definition } = record;
  return {
    id: row.id,
    name: definition.name,
    status: row.status as JourneyStatus,
    entry: definition.entry,
    nodes: definition.nodes,
    edges: definition.edges,
    version: record.definitionVersion,
    publishedVersion: row.published_version,
    hasUnpublishedChanges: row.published_version !== row.latest_version,
    revision: row.version,
    createdBy: row.created_by,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
    publishedAt: iso(row.published_at),
  };
}

/** The journey `id` of the workspace with the definition of `version` (default its latest), or undefined. */
export async function findJourney(db: Kysely<Database>, workspaceId: string, id: string, version?: number): Promise<JourneyRecord | undefined> {
  const row = await db.selectFrom('journeys').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const wanted = version ?? row.latest_version;
  const definition = await findDefinition(db, id, wanted);
  return definition === undefined ? undefined : { row: normalise(row), definition, definitionVersion: wanted };
}

/** The stored definition of one version. */
export async function findDefinition(db: Kysely<Database>, journeyId: string, version: number): Promise<JourneyDefinition | undefined> {
  const row = await db.selectFrom('journey_versions').select('definition').where('journey_id', '=', journeyId).where('version', '=', version).executeTakeFirst();
  return row && (JSON.parse(row.definition) as JourneyDefinition);
}

/** Inserts a new journey with its first (draft) version. */
export async function insertJourney(db: Kysely<Database>, row: JourneyRow, definition: JourneyDefinition): Promise<void> {
  await db.insertInto('journeys').values(row).execute();
  await db
    .insertInto('journey_versions')
    .values({ journey_id: row.id, version: 1, definition: JSON.stringify(definition), created_by: row.created_by, created_at: row.created_at, published_at: null })
    .execute();
}

/** Writes the definition of `version`: a new version, or the unpublished latest one replaced. */
export async function saveVersion(db: Kysely<Database>, journeyId: string, version: number, definition: JourneyDefinition, memberId: string, now: number, isNew: boolean): Promise<void> {
  const json = JSON.stringify(definition);
  if (isNew) {
    await db.insertInto('journey_versions').values({ journey_id: journeyId, version, definition: json, created_by: memberId, created_at: now, published_at: null }).execute();
  } else {
    // A published version never changes: the guard keeps it so even if a publish raced this edit.
    await db.updateTable('journey_versions').set({ definition: json, created_by: memberId, created_at: now }).where('journey_id', '=', journeyId).where('version', '=', version).where('published_at', 'is', null).execute();
  }
}

/** Marks a version published (it is immutable from now on). */
export async function markVersionPublished(db: Kysely<Database>, journeyId: string, version: number, now: number): Promise<void> {
  await db.updateTable('journey_versions').set({ published_at: now }).where('journey_id', '=', journeyId).where('version', '=', version).where('published_at', 'is', null).execute();
}

/** Updates a journey row if it is still at `expectedVersion` (bumping it); false on a lost race. */
export async function updateJourneyRow(db: Kysely<Database>, id: string, expectedVersion: number, set: Updateable<JourneyRow>): Promise<boolean> {
  const result = await db
    .updateTable('journeys')
    .set({ ...set, version: expectedVersion + 1 })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A page of the workspace's journeys, newest first, with their latest definitions. */
export async function listJourneyRecords(db: Kysely<Database>, workspaceId: string, filter: { status?: JourneyStatus; page: number; pageSize: number }): Promise<{ items: JourneyRecord[]; total: number }> {
  let base = db.selectFrom('journeys').where('workspace_id', '=', workspaceId);
  if (filter.status !== undefined) base = base.where('status', '=', filter.status);
  const count = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await base
    .innerJoin('journey_versions as v', (join) => join.onRef('v.journey_id', '=', 'journeys.id').onRef('v.version', '=', 'journeys.latest_version'))
    .selectAll('journeys')
    .select('v.definition')
    .orderBy('journeys.created_at', 'desc')
    .orderBy('journeys.id', 'desc')
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize)
    .execute();
  return {
    total: Number(count.n),
    items: rows.map(({ definition, ...row }) => ({ row: normalise(row), definition: JSON.parse(definition) as JourneyDefinition, definitionVersion: row.latest_version })),
  };
}

/**
 * Records which webhooks and audience the journey uses (every version: users of an older version may
 * still be in flight), so neither can be deleted under it; a stopped journey uses nothing.
 */
export async function replaceUsages(db: Kysely<Database>, journeyId: string, name: string, uses: { webhookIds: readonly string[]; audienceIds: readonly string[] }): Promise<void> {
  await db.deleteFrom('webhook_usages').where('owner_kind', '=', 'journey').where('owner_id', '=', journeyId).execute();
  await db.deleteFrom('audience_usages').where('owner_kind', '=', 'journey').where('owner_id', '=', journeyId).execute();
  const webhookIds = [...new Set(uses.webhookIds)];
  const audienceIds = [...new Set(uses.audienceIds)];
  if (webhookIds.length > 0) {
    await db.insertInto('webhook_usages').values(webhookIds.map((id) => ({ webhook_id: id, owner_kind: 'journey', owner_id: journeyId, owner_name: name }))).execute();
  }
  if (audienceIds.length > 0) {
    await db.insertInto('audience_usages').values(audienceIds.map((id) => ({ audience_id: id, owner_kind: 'journey', owner_id: journeyId, owner_name: name }))).execute();
  }
}

/** Every stored definition of a journey, oldest first. */
export async function allDefinitions(db: Kysely<Database>, journeyId: string): Promise<{ version: number; definition: JourneyDefinition; publishedAt: number | null }[]> {
  const rows = await db.selectFrom('journey_versions').select(['version', 'definition', 'published_at']).where('journey_id', '=', journeyId).orderBy('version').execute();
  return rows.map((r) => ({ version: r.version, definition: JSON.parse(r.definition) as JourneyDefinition, publishedAt: r.published_at === null ? null : Number(r.published_at) }));
}

/** Ends every user still in the journey (stop): instances and cohort members. Call it in a transaction. */
export async function stopInstances(db: Kysely<Database>, journeyId: string, now: number): Promise<void> {
  await stopCohorts(db, journeyId, now);
  await db
    .updateTable('journey_instances')
    .set({ status: 'stopped', phase: 'done', due_at: null, lease_owner: null, lease_expires_at: null, exited_at: now })
    .where('journey_id', '=', journeyId)
    .where('status', '=', 'active')
    .execute();
}

// PostgreSQL returns bigint columns as strings.
function normalise<R extends Selectable<JourneyRow>>(row: R): R {
  const num = (v: number | null) => (v === null ? null : Number(v));
  return {
    ...row,
    entry_at: num(row.entry_at),
    entry_lease_expires_at: num(row.entry_lease_expires_at),
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
    published_at: num(row.published_at),
    stopped_at: num(row.stopped_at),
  };
}
