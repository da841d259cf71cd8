import type { Kysely } from 'kysely';
import { errors } from '../errors.js';
import type { Database } from '../store/schema.js';
import { findJourney, type JourneyRecord } from './store.js';

/** The journey `id` (with the definition of `version`, default the latest), or 404. */
export async function readJourney(db: Kysely<Database>, workspaceId: string, id: string, version?: number): Promise<JourneyRecord> {
  const record = await findJourney(db, workspaceId, id, version);
  if (!record) throw version === undefined ? errors.notFound('Journey', id) : errors.notFound('Journey version', `${id}@${version}`);
  return record;
}
