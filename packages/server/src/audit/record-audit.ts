import type { Kysely } from 'kysely';
import { newId } from '../shared/ids.js';
import type { Database } from '../store/schema.js';
import { maskSecrets } from './mask-secrets.js';
import { findMemberName, insertAuditEntry } from './store.js';

/** One change to record. `before` is null for a creation, `after` null for a deletion; `at` is epoch ms. */
export interface AuditEntryInput {
  workspaceId: string;
  actorId: string;
  action: string;
  resourceType: string;
  resourceId: string;
  before: unknown;
  after: unknown;
  at: number;
}

const toJson = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(maskSecrets(value)));

/**
 * Records a configuration or grant change. Call it with the transaction that makes the change,
 * so the entry exists exactly when the change does. Secrets are masked before anything is stored.
 */
export async function recordAudit(db: Kysely<Database>, entry: AuditEntryInput): Promise<void> {
  // The name is kept as it was at the time, so the entry still says who acted after a rename or removal.
  const actorName = (await findMemberName(db, entry.actorId)) ?? entry.actorId;
  await insertAuditEntry(db, {
    id: newId('aud', entry.at),
    workspace_id: entry.workspaceId,
    actor_id: entry.actorId,
    actor_name: actorName,
    action: entry.action,
    resource_type: entry.resourceType,
    resource_id: entry.resourceId,
    before_value: toJson(entry.before),
    after_value: toJson(entry.after),
    at: entry.at,
  });
}
