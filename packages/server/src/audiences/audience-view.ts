import type { Audience } from './schemas.js';
import type { AudienceRecord } from './store.js';

/** An audience as the API shows it (times as ISO strings). */
export function toAudienceView(record: AudienceRecord): Audience {
  return {
    id: record.id,
    name: record.name,
    description: record.description,
    userCount: record.userCount,
    createdBy: record.createdBy,
    createdAt: new Date(record.createdAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
  };
}
