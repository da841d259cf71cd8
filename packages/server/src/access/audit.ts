import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/record-audit.js';
import type { Database } from '../store/schema.js';
import type { Principal } from './principal.js';

/** What access records: the kinds of resource it changes. */
export type AccessResource = 'member' | 'member_group' | 'role' | 'api_token' | 'webhook_grant';

/** Records one change made by `principal` in the transaction `trx` that makes it (snapshots never carry a token or its hash). */
export function auditChange(
  trx: Kysely<Database>,
  principal: Principal,
  at: number,
  action: string,
  resourceType: AccessResource,
  resourceId: string,
  before: unknown,
  after: unknown,
): Promise<void> {
  return recordAudit(trx, { workspaceId: principal.workspaceId, actorId: principal.memberId, action, resourceType, resourceId, before, after, at });
}
