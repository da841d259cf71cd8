import { Type, type Static } from 'typebox';
import { PageQuery } from '../http/schemas.js';

const ID = { minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' };
const NAME = { minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' };

/** Filters and page of the audit log. */
export const AuditLogQuery = Type.Object(
  {
    resourceType: Type.Optional(Type.String({ ...NAME, description: 'webhook, parameter, id_type, member, member_group, role, api_token, webhook_grant' })),
    resourceId: Type.Optional(Type.String(ID)),
    actorId: Type.Optional(Type.String({ ...ID, description: 'The member who made the change' })),
    action: Type.Optional(Type.String({ ...NAME, description: 'create, update, delete, enable, disable, copy, ...' })),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Changes at or after this time' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Changes at or before this time' })),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type AuditLogQuery = Static<typeof AuditLogQuery>;

/** One recorded change. */
export const AuditEntry = Type.Object(
  {
    id: Type.String(),
    at: Type.String({ format: 'date-time' }),
    actor: Type.Object({ id: Type.String(), name: Type.String({ description: 'The member\'s name when the change was made' }) }),
    action: Type.String(),
    resourceType: Type.String(),
    resourceId: Type.String(),
    before: Type.Unknown({ description: 'The resource before the change (null when created), secrets masked as "***"' }),
    after: Type.Unknown({ description: 'The resource after the change (null when deleted), secrets masked as "***"' }),
  },
  { $id: 'AuditEntry', title: 'AuditEntry' },
);
export type AuditEntry = Static<typeof AuditEntry>;

export const AuditLogPage = Type.Object(
  { items: Type.Array(Type.Ref('AuditEntry')), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() },
  { $id: 'AuditLogPage', title: 'AuditLogPage' },
);

export const AUDIT_SCHEMAS = [AuditEntry, AuditLogPage];
