import type { Kysely } from 'kysely';
import type { Dialect } from '../../store/dialect.js';
import type { Database, WebhookGrantRow } from '../../store/schema.js';

/** A grant with the name of its member or group. */
export type NamedGrantRow = WebhookGrantRow & { subject_name: string };

/** The grants of a webhook with their subjects' names, oldest first. */
export async function grantRows(db: Kysely<Database>, webhookId: string): Promise<NamedGrantRow[]> {
  const rows = await db
    .selectFrom('webhook_grants')
    .leftJoin('members', 'members.id', 'webhook_grants.member_id')
    .leftJoin('member_groups', 'member_groups.id', 'webhook_grants.group_id')
    .selectAll('webhook_grants')
    .select(['members.name as member_name', 'member_groups.name as group_name'])
    .where('webhook_grants.webhook_id', '=', webhookId)
    .orderBy('webhook_grants.created_at')
    .orderBy('webhook_grants.id')
    .execute();
  return rows.map(({ member_name, group_name, ...grant }) => ({ ...grant, subject_name: member_name ?? group_name ?? '' }));
}

/**
 * Whether the webhook exists; on PostgreSQL also locks its row until the transaction ends, so two
 * grant changes of one webhook cannot interleave and leave grants of both methods.
 */
export async function lockWebhookForGrants(db: Kysely<Database>, dialect: Dialect, workspaceId: string, webhookId: string): Promise<boolean> {
  let query = db.selectFrom('webhooks').select('id').where('workspace_id', '=', workspaceId).where('id', '=', webhookId);
  if (dialect === 'postgres') query = query.forUpdate();
  return (await query.executeTakeFirst()) !== undefined;
}

export async function insertGrants(db: Kysely<Database>, rows: WebhookGrantRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('webhook_grants').values(rows).execute();
}

export async function updateGrantValidity(db: Kysely<Database>, id: string, validFrom: number, validUntil: number): Promise<void> {
  await db.updateTable('webhook_grants').set({ valid_from: validFrom, valid_until: validUntil }).where('id', '=', id).execute();
}

export async function deleteGrants(db: Kysely<Database>, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await db.deleteFrom('webhook_grants').where('id', 'in', [...ids]).execute();
}

/** Every grant naming the member or the group, on any webhook. */
export async function grantsOfSubject(db: Kysely<Database>, subject: { memberId: string } | { groupId: string }): Promise<WebhookGrantRow[]> {
  const query = db.selectFrom('webhook_grants').selectAll();
  return 'memberId' in subject ? query.where('member_id', '=', subject.memberId).execute() : query.where('group_id', '=', subject.groupId).execute();
}

/** The ids among `ids` that are member groups of the workspace. */
export async function existingGroupIds(db: Kysely<Database>, workspaceId: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('member_groups').select('id').where('workspace_id', '=', workspaceId).where('id', 'in', [...new Set(ids)]).execute();
  return new Set(rows.map((r) => r.id));
}
