import type { AppContext } from '../../context.js';
import { errors, type FieldError } from '../../errors.js';
import { newIds } from '../../shared/ids.js';
import { isForeignKeyViolation } from '../../store/queries.js';
import { auditChange } from '../audit.js';
import { existingMemberIds } from '../members/store.js';
import type { Principal } from '../principal.js';
import { grantSetSnapshot, methodOf, toGrant } from './grant-view.js';
import type { GrantsChange, GrantsInput } from './schemas.js';
import { deleteGrants, existingGroupIds, grantRows, insertGrants, lockWebhookForGrants, updateGrantValidity } from './store.js';

interface Wanted {
  subject: string;
  validFrom: number;
  validUntil: number;
}

/** Every field problem of the body at once; the grants as wanted when there is none. */
async function checkGrants(ctx: AppContext, principal: Principal, input: GrantsInput, now: number): Promise<Wanted[]> {
  const problems: FieldError[] = [];
  const field = input.method === 'member' ? 'memberId' : 'groupId';
  const otherField = input.method === 'member' ? 'groupId' : 'memberId';
  const firstAt = new Map<string, number>();
  const wanted: Wanted[] = [];
  input.grants.forEach((grant, i) => {
    const subject = grant[field];
    if (subject === undefined) problems.push({ path: `grants[${i}].${field}`, message: `is required when method is "${input.method}"` });
    if (grant[otherField] !== undefined) problems.push({ path: `grants[${i}].${otherField}`, message: `must not be given when method is "${input.method}"` });
    if (subject !== undefined && firstAt.has(subject)) problems.push({ path: `grants[${i}].${field}`, message: `is already granted by grants[${firstAt.get(subject)}]` });
    if (subject !== undefined && !firstAt.has(subject)) firstAt.set(subject, i);
    const validFrom = grant.validFrom === undefined ? now : Date.parse(grant.validFrom);
    const validUntil = Date.parse(grant.validUntil);
    if (!(validUntil > validFrom)) problems.push({ path: `grants[${i}].validUntil`, message: 'must be later than validFrom' });
    if (subject !== undefined) wanted.push({ subject, validFrom, validUntil });
  });
  const subjects = [...firstAt.keys()];
  const existing = input.method === 'member' ? await existingMemberIds(ctx.store.db, principal.workspaceId, subjects) : await existingGroupIds(ctx.store.db, principal.workspaceId, subjects);
  for (const [subject, i] of firstAt) {
    if (!existing.has(subject)) problems.push({ path: `grants[${i}].${field}`, message: `${input.method === 'member' ? 'member' : 'member group'} "${subject}" does not exist` });
  }
  if (problems.length > 0) throw errors.validation(problems);
  return wanted;
}

/**
 * Replaces a webhook's grants with `input.grants`, all of `input.method`. Grants of the other
 * method are all revoked (the two methods are mutually exclusive); a subject granted before keeps
 * its grant id with the new validity. The answer says what was revoked.
 */
export async function setGrants(ctx: AppContext, principal: Principal, webhookId: string, input: GrantsInput): Promise<GrantsChange> {
  const now = ctx.clock.now();
  const wanted = await checkGrants(ctx, principal, input, now);
  const subjectOf = (row: { member_id: string | null; group_id: string | null }) => (input.method === 'member' ? row.member_id : row.group_id);
  try {
    return await ctx.store.db.transaction().execute(async (trx) => {
      if (!(await lockWebhookForGrants(trx, ctx.store.dialect, principal.workspaceId, webhookId))) throw errors.notFound('Webhook', webhookId);
      const before = await grantRows(trx, webhookId);
      const previousMethod = methodOf(before);
      const kept = new Map(before.filter((r) => r.method === input.method).map((r) => [subjectOf(r)!, r]));
      const wantedSubjects = new Set(wanted.map((w) => w.subject));
      const revoked = before.filter((r) => r.method !== input.method || !wantedSubjects.has(subjectOf(r)!));
      await deleteGrants(trx, revoked.map((r) => r.id));
      const fresh = wanted.filter((w) => !kept.has(w.subject));
      const ids = newIds('grt', fresh.length, now);
      for (const w of wanted) {
        const old = kept.get(w.subject);
        if (old && (old.valid_from !== w.validFrom || old.valid_until !== w.validUntil)) await updateGrantValidity(trx, old.id, w.validFrom, w.validUntil);
      }
      await insertGrants(
        trx,
        fresh.map((w, i) => ({
          id: ids[i]!,
          workspace_id: principal.workspaceId,
          webhook_id: webhookId,
          method: input.method,
          member_id: input.method === 'member' ? w.subject : null,
          group_id: input.method === 'group' ? w.subject : null,
          valid_from: w.validFrom,
          valid_until: w.validUntil,
          created_by: principal.memberId,
          created_at: now,
        })),
      );
      const after = await grantRows(trx, webhookId);
      const methodChanged = previousMethod !== null && previousMethod !== input.method;
      await auditChange(trx, principal, now, 'grant.set', 'webhook_grant', webhookId, grantSetSnapshot(before), { ...grantSetSnapshot(after), revoked: revoked.length, methodChanged });
      return { webhookId, method: methodOf(after), items: after.map((r) => toGrant(r, now)), previousMethod, methodChanged, revoked: revoked.length };
    });
  } catch (error) {
    // A member or group deleted since the check: checking again names it.
    if (isForeignKeyViolation(error)) await checkGrants(ctx, principal, input, now);
    throw error;
  }
}
