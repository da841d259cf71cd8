import type { Kysely } from 'kysely';
import type { AppContext } from '../context.js';
import { errors, type HookreachError } from '../errors.js';
import type { Database } from '../store/schema.js';
import { displayNameOf, parsePermissions, WEBHOOK_USE, type Permission } from './permissions.js';
import type { Principal } from './principal.js';
import { findMemberStanding, grantsReaching, rolePermissionsOf, webhookExists, webhookIdsGrantedAt } from './store.js';

/** Who wants to use a webhook: a request's principal, or the member on whose behalf scheduled work runs. */
export type Actor = Pick<Principal, 'memberId' | 'workspaceId' | 'admin'>;

/** The outcome of an access check: allowed, or the coded error that says what is missing. */
export type UseDecision = { allowed: true } | { allowed: false; error: HookreachError };

const iso = (ms: number) => new Date(ms).toISOString();

/** Whether a non-administrator holds `permission` through one of their roles (read now, so a change counts at once). */
async function holdsPermission(db: Kysely<Database>, memberId: string, permission: Permission): Promise<boolean> {
  return (await rolePermissionsOf(db, memberId)).some((json) => parsePermissions(json).includes(permission));
}

/**
 * The product's rule: an administrator may use every webhook; anyone else needs a role with the
 * webhook permission AND a grant on this webhook valid at `now` (by member, or through a member
 * group), so an expired or removed grant stops working on the next call without any job running.
 */
export async function decideWebhookUse(db: Kysely<Database>, now: number, actor: Actor, webhookId: string): Promise<UseDecision> {
  if (!actor.admin && !(await holdsPermission(db, actor.memberId, WEBHOOK_USE))) {
    return { allowed: false, error: errors.permissionRequired(WEBHOOK_USE, displayNameOf(WEBHOOK_USE)) };
  }
  if (!(await webhookExists(db, actor.workspaceId, webhookId))) return { allowed: false, error: errors.notFound('Webhook', webhookId) };
  if (actor.admin) return { allowed: true };
  const grants = await grantsReaching(db, webhookId, actor.memberId);
  if (grants.some((g) => g.valid_from <= now && now < g.valid_until)) return { allowed: true };
  const upcoming = grants.filter((g) => g.valid_from > now).map((g) => g.valid_from);
  const ended = grants.filter((g) => g.valid_until <= now).map((g) => g.valid_until);
  const reason =
    upcoming.length > 0
      ? `the grant is valid from ${iso(Math.min(...upcoming))}`
      : ended.length > 0
        ? `the grant expired at ${iso(Math.max(...ended))}`
        : 'it is granted neither to you nor to a member group you belong to';
  return { allowed: false, error: errors.grantRequired(webhookId, reason) };
}

/**
 * Throws unless the caller may use the webhook now: 403 PERMISSION_REQUIRED (no role with
 * "marketing.reach.webhook"), 404 (no such webhook), 403 GRANT_REQUIRED (no valid grant).
 * Every use of a webhook calls it: reading one, test send, and (later) creating or editing a task
 * or journey node with it and starting a task.
 */
export async function assertMayUseWebhook(ctx: AppContext, principal: Principal, webhookId: string): Promise<void> {
  const decision = await decideWebhookUse(ctx.store.db, ctx.clock.now(), principal, webhookId);
  if (!decision.allowed) throw decision.error;
}

/**
 * The same decision for work that runs later on a member's behalf (a scheduled task at its send
 * time): the member is read as they stand now, so a disabled or deleted creator, a lost role or an
 * expired grant refuses the run. The caller records the error's code and message on the task.
 */
export async function decideMemberWebhookUse(ctx: AppContext, workspaceId: string, memberId: string, webhookId: string): Promise<UseDecision> {
  const standing = await findMemberStanding(ctx.store.db, workspaceId, memberId);
  if (!standing) return { allowed: false, error: errors.memberRemoved(memberId) };
  if (!standing.enabled) return { allowed: false, error: errors.memberDisabled() };
  return decideWebhookUse(ctx.store.db, ctx.clock.now(), { memberId, workspaceId, admin: standing.admin }, webhookId);
}

/** Throws 403 PERMISSION_REQUIRED unless the caller is an administrator or holds `permission` through a role. */
export async function assertHasPermission(ctx: AppContext, principal: Principal, permission: Permission): Promise<void> {
  if (principal.admin || (await holdsPermission(ctx.store.db, principal.memberId, permission))) return;
  throw errors.permissionRequired(permission, displayNameOf(permission));
}

/** The webhooks the caller may use now, or undefined for an administrator (all of them). */
export async function usableWebhookIds(ctx: AppContext, principal: Principal): Promise<string[] | undefined> {
  if (principal.admin) return undefined;
  if (!(await holdsPermission(ctx.store.db, principal.memberId, WEBHOOK_USE))) return [];
  return webhookIdsGrantedAt(ctx.store.db, principal.workspaceId, principal.memberId, ctx.clock.now());
}
