import type { Kysely } from 'kysely';
import type { Database, WebhookGrantRow } from '../store/schema.js';

/** The permissions JSON of every role a member holds. */
export async function rolePermissionsOf(db: Kysely<Database>, memberId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('member_roles')
    .innerJoin('roles', 'roles.id', 'member_roles.role_id')
    .select('roles.permissions')
    .where('member_roles.member_id', '=', memberId)
    .execute();
  return rows.map((r) => r.permissions);
}

/** The grants of a webhook that name the member, directly or through one of their groups, whatever their validity. */
export async function grantsReaching(db: Kysely<Database>, webhookId: string, memberId: string): Promise<WebhookGrantRow[]> {
  return db
    .selectFrom('webhook_grants')
    .selectAll()
    .where('webhook_id', '=', webhookId)
    .where((eb) =>
      eb.or([
        eb.and([eb('method', '=', 'member'), eb('member_id', '=', memberId)]),
        eb.and([
          eb('method', '=', 'group'),
          eb('group_id', 'in', eb.selectFrom('member_group_members').select('group_id').where('member_id', '=', memberId)),
        ]),
      ]),
    )
    .execute();
}

/** Ids of the webhooks of the workspace on which the member holds a grant valid at `now`. */
export async function webhookIdsGrantedAt(db: Kysely<Database>, workspaceId: string, memberId: string, now: number): Promise<string[]> {
  const rows = await db
    .selectFrom('webhook_grants')
    .select('webhook_id')
    .distinct()
    .where('workspace_id', '=', workspaceId)
    .where('valid_from', '<=', now)
    .where('valid_until', '>', now)
    .where((eb) =>
      eb.or([
        eb.and([eb('method', '=', 'member'), eb('member_id', '=', memberId)]),
        eb.and([
          eb('method', '=', 'group'),
          eb('group_id', 'in', eb.selectFrom('member_group_members').select('group_id').where('member_id', '=', memberId)),
        ]),
      ]),
    )
    .execute();
  return rows.map((r) => r.webhook_id);
}

/** Whether a member counts as an administrator and may act at all; undefined when deleted or unknown. */
export async function findMemberStanding(db: Kysely<Database>, workspaceId: string, memberId: string): Promise<{ admin: boolean; enabled: boolean } | undefined> {
  const row = await db
    .selectFrom('members')
    .select(['admin', 'enabled'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', memberId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row && { admin: row.admin === 1, enabled: row.enabled === 1 };
}

/** Whether the webhook exists in the workspace. */
export async function webhookExists(db: Kysely<Database>, workspaceId: string, webhookId: string): Promise<boolean> {
  const row = await db.selectFrom('webhooks').select('id').where('workspace_id', '=', workspaceId).where('id', '=', webhookId).executeTakeFirst();
  return row !== undefined;
}
