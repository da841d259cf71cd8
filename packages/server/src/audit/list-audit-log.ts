import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { errors, type FieldError } from '../errors.js';
import type { Selectable } from 'kysely';
import type { AuditLogRow } from '../store/schema.js';
import type { AuditEntry, AuditLogQuery } from './schemas.js';
import { listAuditRows } from './store.js';

// Stored JSON was written by recordAudit; a row edited by hand into non-JSON must not break the list.
function parse(json: string | null): unknown {
  if (json === null) return null;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return null;
  }
}

function toEntry(row: Selectable<AuditLogRow>): AuditEntry {
  return {
    id: row.id,
    at: new Date(row.at).toISOString(),
    actor: { id: row.actor_id, name: row.actor_name },
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    before: parse(row.before_value),
    after: parse(row.after_value),
  };
}

/** A page of the workspace's audit log, newest first, narrowed by resource, member, action and time. */
export async function listAuditLog(
  ctx: AppContext,
  principal: Principal,
  query: AuditLogQuery,
): Promise<{ items: AuditEntry[]; total: number; page: number; pageSize: number }> {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 20;
  const problems: FieldError[] = [];
  const time = (name: 'from' | 'to'): number | undefined => {
    const text = query[name];
    if (text === undefined) return undefined;
    const ms = Date.parse(text);
    if (!Number.isFinite(ms)) problems.push({ path: `query.${name}`, message: 'must be a date-time such as 2026-12-01T09:00:00Z' });
    return ms;
  };
  const from = time('from');
  const to = time('to');
  if (problems.length === 0 && from !== undefined && to !== undefined && from > to) problems.push({ path: 'query.to', message: 'must not be before from' });
  if (problems.length > 0) throw errors.validation(problems);
  const { rows, total } = await listAuditRows(ctx.store, principal.workspaceId, {
    resourceType: query.resourceType,
    resourceId: query.resourceId,
    actorId: query.actorId,
    action: query.action,
    from,
    to,
    page,
    pageSize,
  });
  return { items: rows.map(toEntry), total, page, pageSize };
}
