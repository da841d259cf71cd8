import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Journey } from './model.js';
import type { JourneyListQuery } from './schemas.js';
import { listJourneyRecords, toJourney } from './store.js';

/** A page of the workspace's journeys, newest first, each with its latest definition. */
export async function listJourneys(db: Kysely<Database>, workspaceId: string, query: JourneyListQuery): Promise<{ items: Journey[]; total: number; page: number; pageSize: number }> {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 20;
  const { items, total } = await listJourneyRecords(db, workspaceId, { ...(query.status !== undefined ? { status: query.status } : {}), page, pageSize });
  return { items: items.map(toJourney), total, page, pageSize };
}
